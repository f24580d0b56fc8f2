"""Shared by the runtime tests: start the runtime as a real child process on a free loopback port,
talk HTTP to it, stop it. Every wait is bounded."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

RUNTIME = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "runtime.py")
FUNCTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "functions")


def free_port() -> int:
    """A port that was free a moment ago (the runtime binds it right after; a clash shows as exit code 4)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Runtime:
    process: subprocess.Popen
    port: int
    platform_port: int
    spawned_at: float
    _stdout: list[str] = field(default_factory=list)
    _stderr: list[str] = field(default_factory=list)
    ready_after_ms: float | None = None

    @property
    def stdout(self) -> str:
        return "".join(self._stdout)

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def request(self, method: str = "GET", path: str = "/", body: bytes | str | None = None,
                headers: dict[str, str] | None = None, timeout: float = 10) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            return exchange(conn, method, path, body, headers)
        finally:
            conn.close()

    def platform(self, path: str, timeout: float = 10) -> Reply:
        """GET on PLATFORM_PORT: /healthz, /readyz, /metrics."""
        conn = http.client.HTTPConnection("127.0.0.1", self.platform_port, timeout=timeout)
        try:
            return exchange(conn, "GET", path)
        finally:
            conn.close()

    def wait_exit(self, timeout: float) -> int | None:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.process.stdout.close()
        self.process.stderr.close()


def exchange(conn: http.client.HTTPConnection, method: str, path: str, body=None, headers=None) -> Reply:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)


def start_runtime(handler: str = "main:handle", function: str = "echo", env: dict[str, str] | None = None,
                  wait_ready: bool = True, ready_timeout: float = 10) -> Runtime:
    port = free_port()
    platform_port = free_port()
    while platform_port == port:
        platform_port = free_port()
    child_env = {**os.environ, "PORT": str(port), "PLATFORM_PORT": str(platform_port), "FUNCTION_PATH": os.path.join(FUNCTIONS, function), "HANDLER": handler, **(env or {})}
    spawned_at = time.perf_counter()
    process = subprocess.Popen([sys.executable, RUNTIME], env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, encoding="utf-8")
    runtime = Runtime(process, port, platform_port, spawned_at)
    for stream, sink in ((process.stdout, runtime._stdout), (process.stderr, runtime._stderr)):
        threading.Thread(target=_pump, args=(stream, sink), daemon=True).start()
    if wait_ready:
        try:
            runtime.ready_after_ms = wait_ready_200(runtime, ready_timeout)
        except BaseException:
            runtime.stop()
            raise
    return runtime


def _pump(stream, sink: list[str]) -> None:
    for line in iter(stream.readline, ""):
        sink.append(line)


def wait_ready_200(runtime: Runtime, timeout: float) -> float:
    """Polls /readyz until 200; the milliseconds from spawn to that answer."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if runtime.process.poll() is not None:
            raise AssertionError(f"runtime exited with {runtime.process.returncode} before it was ready: {runtime.stderr}")
        try:
            if runtime.platform("/readyz", timeout=1).status == 200:
                return (time.perf_counter() - runtime.spawned_at) * 1000
        except (ConnectionRefusedError, ConnectionResetError):
            pass  # not listening yet
        time.sleep(0.005)
    raise AssertionError(f"runtime not ready within {timeout} s; stderr: {runtime.stderr}")


def eventually(predicate, timeout: float = 5, interval: float = 0.01, what: str = "condition") -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"{what} not met within {timeout} s")


def raw_exchange(port: int, data: bytes, timeout: float = 5) -> bytes:
    """Sends raw bytes on a new connection; everything received until the server closes or timeout passes."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                piece = s.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not piece:
                break
            received += piece
    return received


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$")


def parse_metrics(text: str) -> tuple[dict[str, float], set[str], dict[str, str]]:
    """(samples by series, names with HELP, TYPE by name); raises on a line that is not Prometheus text."""
    samples: dict[str, float] = {}
    helps: set[str] = set()
    types: dict[str, str] = {}
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("# HELP "):
            helps.add(line.split(" ")[2])
        elif line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
        elif (m := _SAMPLE.match(line)) is not None:
            samples[m.group(1)] = float(m.group(2))
        else:
            raise AssertionError(f"not a Prometheus text line: {line!r}")
    return samples, helps, types


def in_flight(runtime: Runtime) -> float:
    samples, _, _ = parse_metrics(runtime.platform("/metrics").body.decode())
    return samples["serverless_runtime_in_flight"]
