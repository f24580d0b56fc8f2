#!/usr/bin/env python3
"""A stand-in function runtime for the local process backend's tests (standard library only).

Serves, as the runtime contract says, the platform's endpoints on 127.0.0.1:$PLATFORM_PORT: /readyz (200, or 503
before FAKE_READY_DELAY_MS or while draining), /healthz (200), anything else 404; and on 127.0.0.1:$PORT every path
200 with JSON {instance, pid, path, identity: the K_* and FUNCTION_NAMESPACE variables}. Behaviours, chosen by
environment variables:
  FAKE_CRASH_ON_START=1   print a recognizable line to stderr and exit 3 before listening
  FAKE_READY_DELAY_MS=n   /readyz answers 503 for the first n ms
  FAKE_LOG_READYZ=1       log "readyz 503" for each /readyz answered not-ready (how often the platform probes)
  FAKE_LISTENING_LINE=1   once listening, print the runtimes' "serverless-runtime: … listening on …" line
  FAKE_EXIT_AFTER_MS=n    exit with code 5 after n ms
  FAKE_IGNORE_SIGTERM=1   log "ignoring SIGTERM" and keep running on SIGTERM
  FAKE_DRAIN_MS=n         on SIGTERM: log "draining", /readyz turns 503, exit 0 after n ms (default 0)
  FAKE_LOG_LINES=n        at start, print n numbered lines to stdout and n to stderr
  FAKE_LOG_LINE_BYTES=n   pad each of those lines to about n bytes (default 80)
  FAKE_LOG_STREAMS=s      where those lines go: "both" (default), "stdout" or "stderr"
  FAKE_ESCAPEE=s          at start, run "sleep s" in a session of its own (a child that tries to outlive the instance)
  FAKE_ALLOCATE_MB=n      at start, allocate and touch n MiB (a memory hog)
  FAKE_BURN_MS=n          at start, spin until it has used n ms of CPU time (a CPU burner), then log "burned"
GET /probe?path=P answers what the instance sees of P: {"exists", "readable", "writable", "error"}; the plain reply
also carries the instance's uid, gid, HOME and working directory.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PID = os.getpid()
INSTANCE = os.environ.get("INSTANCE_ID", "")
STARTED = time.monotonic()
DRAINING = threading.Event()


def env_int(name, default=0):
    value = os.environ.get(name, "")
    return int(value) if value else default


READY_DELAY = env_int("FAKE_READY_DELAY_MS") / 1000.0
LOG_READYZ = os.environ.get("FAKE_LOG_READYZ") == "1"


def log(message, stream=None):
    print(f"fake-runtime[{PID}] {message}", file=stream or sys.stdout, flush=True)


def exit_now(code, message):
    log(message)
    os._exit(code)


IDENTITY = {name: os.environ.get(name) for name in ("K_SERVICE", "K_CONFIGURATION", "K_REVISION", "FUNCTION_NAMESPACE")}


class Reply(BaseHTTPRequestHandler):
    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        # Readiness probes arrive every 50 ms; logging each would drown the lines the tests look for.
        pass


class PlatformHandler(Reply):
    def do_GET(self):
        if self.path == "/readyz":
            ready = not DRAINING.is_set() and time.monotonic() - STARTED >= READY_DELAY
            if not ready and LOG_READYZ:
                log("readyz 503")
            self.reply(200 if ready else 503, b"ok" if ready else b"not ready", "text/plain")
        elif self.path == "/healthz":
            self.reply(200, b"ok", "text/plain")
        else:
            self.reply(404, b"not found", "text/plain")


class Handler(Reply):
    def do_GET(self):
        if self.path.startswith("/probe?"):
            target = parse_qs(urlsplit(self.path).query)["path"][0]
            self.reply(200, json.dumps(probe(target)).encode(), "application/json")
        else:
            body = json.dumps({"instance": INSTANCE, "pid": PID, "path": self.path, "uid": os.getuid(), "gid": os.getgid(),
                               "home": os.environ.get("HOME"), "cwd": os.getcwd(), "identity": IDENTITY}).encode()
            self.reply(200, body, "application/json")

    do_POST = do_GET


def probe(path):
    """What this instance can do with a path: each attempt's own error, never an assumption."""
    seen = {"exists": os.path.exists(path), "readable": False, "writable": False, "error": None}
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            with open(path, "rb") as f:
                f.read(1)
        seen["readable"] = True
    except OSError as e:
        seen["error"] = f"{type(e).__name__}: {e}"
    try:
        target = os.path.join(path, ".probe") if os.path.isdir(path) else path
        with open(target, "ab"):
            pass
        seen["writable"] = True
    except OSError as e:
        seen["error"] = seen["error"] or f"{type(e).__name__}: {e}"
    return seen


def on_sigterm(signum, frame):
    if os.environ.get("FAKE_IGNORE_SIGTERM") == "1":
        log("ignoring SIGTERM")
        return
    log("draining")
    DRAINING.set()
    drain = env_int("FAKE_DRAIN_MS") / 1000.0
    threading.Thread(target=lambda: (time.sleep(drain), exit_now(0, "drained, exiting")), daemon=True).start()


def main():
    port = int(os.environ["PORT"])
    log(f"starting on 127.0.0.1:{port} (instance {INSTANCE})")
    if os.environ.get("FAKE_CRASH_ON_START") == "1":
        log("FAKE_CRASH_ON_START: simulated startup failure", sys.stderr)
        sys.exit(3)

    lines = env_int("FAKE_LOG_LINES")
    width = env_int("FAKE_LOG_LINE_BYTES", 80)
    streams = [(sys.stdout, "out"), (sys.stderr, "err")]
    chosen = os.environ.get("FAKE_LOG_STREAMS", "both")
    streams = [s for s in streams if chosen == "both" or (chosen == "stdout") == (s[1] == "out")]
    for i in range(lines):
        for stream, name in streams:
            text = f"{name} line {i} "
            print(text + "x" * max(0, width - len(text)), file=stream, flush=True)

    escapee = os.environ.get("FAKE_ESCAPEE")
    if escapee:
        child = subprocess.Popen(["sleep", escapee], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log(f"started an escapee: sleep {escapee} in session {child.pid}")

    hog = env_int("FAKE_ALLOCATE_MB")
    if hog:
        log(f"allocating {hog} MiB")
        globals()["HOG"] = b"x" * (hog * 1024 * 1024)
        log(f"allocated {hog} MiB")

    burn = env_int("FAKE_BURN_MS")
    if burn:
        def spin():
            # CPU time, not wall time: on a busy machine the thread gets less than a whole core.
            end = time.thread_time() + burn / 1000.0
            while time.thread_time() < end:
                pass
            log("burned")
        threading.Thread(target=spin, daemon=True).start()

    exit_after = env_int("FAKE_EXIT_AFTER_MS")
    if exit_after:
        threading.Timer(exit_after / 1000.0, exit_now, (5, "FAKE_EXIT_AFTER_MS reached, exiting")).start()

    signal.signal(signal.SIGTERM, on_sigterm)
    platform = ThreadingHTTPServer(("127.0.0.1", int(os.environ["PLATFORM_PORT"])), PlatformHandler)
    threading.Thread(target=platform.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    log("listening")
    if os.environ.get("FAKE_LISTENING_LINE") == "1":
        # The line every real runtime prints once it listens (the local platform probes at once when it reads it).
        print(f"serverless-runtime: fake listening on http://127.0.0.1:{port} (instance {INSTANCE})", flush=True)
    server.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    main()
