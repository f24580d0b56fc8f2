"""The test function of the runtime tests: one handler, behaviour chosen by the path."""

import asyncio
import base64
import hashlib
import subprocess
import time


async def _hang(request):
    await asyncio.sleep(60)
    return "too late"


def _signal_fields(status: str) -> dict:
    return {k: v.strip() for k, v in (line.split(":", 1) for line in status.splitlines()) if k in ("SigBlk", "SigIgn")}


def _child_signals() -> dict:
    """What user code and its children inherit: the handler thread's mask, a child's mask and
    dispositions, and whether terminate() stops a child (it does not when SIGTERM is blocked)."""
    with open("/proc/thread-self/status", encoding="ascii") as f:
        handler = _signal_fields(f.read())
    child = _signal_fields(subprocess.run(["cat", "/proc/self/status"], capture_output=True, text=True, check=True).stdout)
    sleeper = subprocess.Popen(["sleep", "30"])
    sleeper.terminate()
    try:
        terminated = sleeper.wait(5)
    except subprocess.TimeoutExpired:
        sleeper.kill()
        terminated = "still running 5 s after terminate()"
    return {"handler": handler, "child": child, "terminated": terminated}


def handle(request):
    path = request.path
    if path == "/child-signals":
        return _child_signals()
    if path == "/throw":
        raise ValueError("boom")
    if path == "/exit":
        raise SystemExit(7)
    if path == "/slow":
        time.sleep(int(request.query.get("ms", ["1000"])[0]) / 1000)
        return "slow done"
    if path == "/hang":
        time.sleep(60)
        return "too late"
    if path == "/ahang":
        # A synchronous handler may return an awaitable: it runs on the runtime's event loop.
        return _hang(request)
    if path == "/digest":
        return {"length": len(request.body), "sha256": hashlib.sha256(request.body).hexdigest()}
    if path == "/response":
        return {"status": 201, "headers": {"X-Custom": "yes", "Location": "/things/1"}, "body": {"created": True}}
    if path == "/tuple":
        return 202, [("X-Kind", "tuple")], b"\x00\x01"
    if path == "/nothing":
        return None
    if path == "/json":
        return {"parsed": request.json()}
    if path == "/event":
        event = request.event and dict(request.event)
        if event and isinstance(event.get("data"), bytes):
            event["data"] = base64.b64encode(event["data"]).decode()
        return {"event": event}
    if path == "/reply":
        return {
            "specversion": "1.0",
            "id": "reply-1",
            "source": "/tests/reply",
            "type": "dev.serverless.reply",
            "subject": "ünïcode subject",
            "myext": "x",
            "datacontenttype": "application/json",
            "data": {"received": request.event["id"] if request.event else None},
        }
    return {
        "method": request.method,
        "path": path,
        "query": request.query,
        "headers": dict(request.headers),
        "x_test_any_case": request.headers.get("X-TEST"),
        "body": request.text(),
    }


not_callable = 42
