"""The HTTP shell: one invocation per request on PORT, whatever the path; the platform's endpoints on PLATFORM_PORT.

413 on a declared body past the limit, 429 past the concurrency limit, the body read (413 while reading
a chunked one), the CloudEvent parsed (400), then the function (app.RuntimeApp.call_function), and the
metrics recorded. One thread per connection (ThreadingHTTPServer), HTTP/1.1 keep-alive.
"""

from __future__ import annotations

import socket
import socketserver
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from .app import RuntimeApp
from .body import BodyReader, BodyTooLarge, CallerGone
from .cloudevents import EventError, event_mode, parse_event
from .readiness import DRAINING, READY
from .request import Headers, Request, RequestError, split_target
from .responses import Response, allows_body, problem

# Idle keep-alive connections are kept this long: longer than the 60 s after which .NET's pooled
# connections (the activator's proxy) are retired, so the client, not the runtime, closes an idle
# connection and never sends a request on one that is being closed. Also bounds each socket read.
KEEP_ALIVE_TIMEOUT_SECONDS = 75

# Marks the runtime's own 429 (the runtime contract): the activator retries only a 429 so marked, on another
# instance, and passes a function's own 429 to the client untouched.
REJECTED_HEADER = "X-Serverless-Rejected"

# After answering without reading the whole body (413, 429), the rest is read and dropped so the
# connection can be reused and the caller, still sending, reads the answer instead of a reset.
# Past this many bytes, closing the connection is cheaper.
DISCARD_LIMIT_BYTES = 64 * 1024 * 1024

# nginx's "client closed request": the metric label when the caller went away before the answer.
CLIENT_CLOSED_REQUEST = 499

# A specialization carries a path, a handler and the function's env, and on Kubernetes the artifact: a ConfigMap's
# binaryData (at most 1 MiB) base64-encoded, so 4/3 of that, plus the rest.
SPECIALIZE_BODY_LIMIT = 2 * 1024 * 1024

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Connection(BaseHTTPRequestHandler):
    """One connection; handle_one_request (http.server) parses each request and calls _dispatch."""

    protocol_version = "HTTP/1.1"
    server_version = "serverless-runtime"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = KEEP_ALIVE_TIMEOUT_SECONDS
    server: "RuntimeServer"
    _reader: BodyReader | None = None

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server looks up do_<METHOD>; every method reaches the function.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def version_string(self) -> str:
        return self.server_version

    def handle_expect_100(self) -> bool:
        # Deferred to the first body read (BodyReader), so that a body refused up front is never sent.
        return True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the signature of http.server
        self.server.app.log.debug(f"{self.address_string()} {format % args}")

    def _dispatch(self) -> None:
        app = self.server.app
        try:
            self._reader = BodyReader(
                self.rfile,
                self.headers.get("Transfer-Encoding"),
                self.headers.get_all("Content-Length") or [],
                expect_continue=self.headers.get("Expect", "").lower() == "100-continue" and self.request_version != "HTTP/1.0",
                send_continue=self._send_continue,
            )
        except RequestError as e:
            self._send(problem(e.status, str(e)), close=True)
            return
        started = time.perf_counter()
        status = 500
        try:
            status = self._invoke()
        finally:
            app.metrics.record(status, time.perf_counter() - started)

    def _invoke(self) -> int:
        """Returns the status code recorded in the metrics."""
        app, reader = self.server.app, self._reader
        assert reader is not None
        limit = app.config.max_request_body_bytes
        if reader.declared is not None and reader.declared > limit:
            app.log.info(f"refused a {reader.declared}-byte body (MAX_REQUEST_BODY_BYTES {limit})")
            return self._send(problem(413, f"The request body is {reader.declared} bytes; this function accepts at most {limit} bytes."))

        if app.handler is None:
            # A generic instance (FUNCTION_GENERIC) the platform has not specialized: the activator never routes here.
            return self._send(problem(503, "This instance has no function yet: it is waiting to be specialized.",
                                      [("Retry-After", "1")]))

        if not app.limiter.try_acquire():
            app.log.info(f"refused a request: {app.limiter.in_flight} in flight, CONTAINER_CONCURRENCY {app.limiter.limit}")
            return self._send(problem(429, f"The function is at its concurrency limit of {app.limiter.limit} request(s) in flight.",
                                      [("Retry-After", "1"), (REJECTED_HEADER, "concurrency")]))
        try:
            return self._invoke_admitted(reader)
        finally:
            # After the answer is written, so that a drain never exits with a response half written.
            app.limiter.release()

    def _invoke_admitted(self, reader: BodyReader) -> int:
        app = self.server.app
        limit = app.config.max_request_body_bytes
        try:
            body = reader.read_all(limit)
        except BodyTooLarge:
            app.log.info(f"refused a chunked body past {limit} bytes (MAX_REQUEST_BODY_BYTES)")
            return self._send(problem(413, f"The request body exceeds the limit of {limit} bytes."))
        except CallerGone:
            self.close_connection = True
            return CLIENT_CLOSED_REQUEST
        except RequestError as e:
            return self._send(problem(e.status, str(e)), close=True)

        headers = Headers(self.headers.items())
        event = None
        mode = event_mode(headers)
        if mode is not None:
            try:
                event = parse_event(mode, headers, body)
            except EventError as e:
                app.log.info(f"refused a CloudEvent: {e}")
                return self._send(problem(400, str(e)))
        return self._send(app.call_function(Request(self.command, self.path, headers, body, event)))

    def _send(self, response: Response, close: bool = False) -> int:
        """Writes the response, then drops what is left of the request body; the status, or 499 if the caller is gone."""
        reader = self._reader
        close = (close or self.server.app.readiness.phase == DRAINING
                 or (reader is not None and not reader.can_discard(DISCARD_LIMIT_BYTES)))
        has_body = allows_body(response.status)
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            if has_body:
                self.send_header("Content-Length", str(len(response.body)))
            if close:
                # While draining, every answer closes its connection so that pooled connections move to other
                # instances; otherwise a body that cannot be drained, or broken framing, ends the connection.
                self.send_header("Connection", "close")
            self.end_headers()
            if has_body and self.command != "HEAD":
                self.wfile.write(response.body)
        except OSError:
            self.close_connection = True
            return CLIENT_CLOSED_REQUEST
        if not close and reader is not None and not reader.discard(DISCARD_LIMIT_BYTES):
            self.close_connection = True
        return response.status

    def _send_continue(self) -> None:
        self.send_response_only(100)
        self.end_headers()


def _text(status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Response:
    return Response(status, [("Content-Type", content_type)], text.encode("utf-8"))


class RuntimeServer(ThreadingHTTPServer):
    daemon_threads = True  # a connection thread must never keep the process from exiting
    block_on_close = False
    request_queue_size = 1024  # the default of 5 refuses connections under a burst

    def __init__(self, host: str, port: int, app: RuntimeApp) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        super().__init__((host, port), _Connection)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name with getfqdn, a reverse DNS lookup that can take seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            self.app.log.debug(f"connection from {client_address[0]} ended: {error!r}")
        else:
            self.app.log.error(f"internal error on a connection from {client_address[0]}: {error!r}")


class _PlatformConnection(BaseHTTPRequestHandler):
    """A connection to PLATFORM_PORT: /healthz, /readyz and /metrics for the platform's prober and Prometheus, 404
    for anything else. The ingress never routes here, so none of these paths is taken from the function."""

    protocol_version = "HTTP/1.1"
    server_version = "serverless-runtime"
    sys_version = ""
    timeout = KEEP_ALIVE_TIMEOUT_SECONDS
    server: "PlatformServer"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server looks up
        app = self.server.app
        path, _ = split_target(self.path)
        if path == "/healthz":
            response = _text(200, "ok")
        elif path == "/readyz":
            phase = app.readiness.phase
            response = _text(200 if phase == READY else 503, phase)
        elif path == "/metrics":
            response = _text(200, app.metrics.render(), PROMETHEUS_CONTENT_TYPE)
        else:
            response = _text(404, "not found: the platform port serves /healthz, /readyz and /metrics")
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802 - the name http.server looks up
        path, _ = split_target(self.path)
        length = self.headers.get("Content-Length", "")
        specializer = self.server.specializer
        if path != "/specialize" or specializer is None:
            body = b""
            response = _text(404, "not found: the platform port serves POST /specialize only in generic mode (FUNCTION_GENERIC)")
        elif not (length.isascii() and length.isdigit()):
            self.close_connection = True
            response = _text(411, "a specialization request needs a Content-Length")
        elif int(length) > SPECIALIZE_BODY_LIMIT:
            self.close_connection = True
            response = _text(413, f"a specialization request is at most {SPECIALIZE_BODY_LIMIT} bytes")
        else:
            status, text = specializer.handle(self.headers.get("Authorization"), self.rfile.read(int(length)))
            response = _text(status, text)
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(response.body)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the signature of http.server
        self.server.app.log.debug(f"platform port: {self.address_string()} {format % args}")


class PlatformServer(RuntimeServer):
    """The server on PLATFORM_PORT, beside the function's on PORT."""

    def __init__(self, host: str, port: int, app: RuntimeApp, specializer: Any = None) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self.specializer = specializer  # specialize.Specializer in generic mode, else None
        ThreadingHTTPServer.__init__(self, (host, port), _PlatformConnection)
