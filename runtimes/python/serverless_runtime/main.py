"""Wiring: environment -> settings -> handler -> listen -> drain on SIGTERM.

The handler is loaded before listening, so a broken function exits with code 3 and one line on stderr
instead of ever answering.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time

from .app import RuntimeApp
from .config import parse_config
from .loader import HandlerLoadError, load_handler
from .log import PREFIX, Logger
from .server import PlatformServer, RuntimeServer
from .readiness import GENERIC
from .specialize import TOKEN, Specializer, authorizer, is_generic

# Process exit codes the supervisor tells apart; the same in every runtime.
EXIT_SUCCESS = 0
EXIT_INVALID_CONFIGURATION = 2
EXIT_HANDLER_LOAD_FAILED = 3
EXIT_LISTEN_FAILED = 4

# Time to stop beyond FUNCTION_TIMEOUT: a request admitted just before SIGTERM may run to its timeout and get its 504 written.
DRAIN_MARGIN_SECONDS = 3

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def main(started: float) -> None:
    stop = _StopSignals.install()
    # The function's print() output reaches the platform's logs line by line, not when a buffer fills.
    sys.stdout.reconfigure(line_buffering=True)

    generic = is_generic(os.environ)
    env = dict(os.environ)
    if generic and not env.get("FUNCTION_PATH", "").strip():
        # No function yet: FUNCTION_PATH and HANDLER come with POST /specialize, on the private port only.
        env["FUNCTION_PATH"] = os.getcwd()
    config, errors = parse_config(env)
    authorize = None
    if generic and config is not None:
        authorize, error = authorizer(env)
        if config.platform_port is None or authorize is None:
            config, errors = None, [error or f"{TOKEN} and PLATFORM_PORT are required in generic mode (FUNCTION_GENERIC)"]
    if config is None:
        for error in errors:
            sys.stderr.write(PREFIX + error + "\n")
        _exit(EXIT_INVALID_CONFIGURATION)
    log = Logger(config.log_level)

    load_started = time.perf_counter()
    handler = None
    if not generic:
        try:
            handler = load_handler(config.function_path, config.handler)
        except HandlerLoadError as e:
            sys.stderr.write(f"{PREFIX}{e}\n")
            _exit(EXIT_HANDLER_LOAD_FAILED)
    load_ms = (time.perf_counter() - load_started) * 1000

    app = RuntimeApp(config, handler, log)
    specializer = Specializer(app, authorize) if generic else None
    address = f"http://[{config.host}]:{config.port}" if ":" in config.host else f"http://{config.host}:{config.port}"
    try:
        server = RuntimeServer(config.host, config.port, app)
    except OSError as e:
        sys.stderr.write(f"{PREFIX}cannot listen on {address}: {e.strerror or e}\n")
        _exit(EXIT_LISTEN_FAILED)
    if config.platform_port is not None:
        try:
            platform = PlatformServer(config.host, config.platform_port, app, specializer)
        except OSError as e:
            host = f"[{config.host}]" if ":" in config.host else config.host
            sys.stderr.write(f"{PREFIX}cannot listen on http://{host}:{config.platform_port}: {e.strerror or e}\n")
            _exit(EXIT_LISTEN_FAILED)
        threading.Thread(target=platform.serve_forever, name="platform-http", daemon=True).start()
    if generic:
        app.readiness.phase = GENERIC
    else:
        app.readiness.mark_ready()
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    loaded = "generic, waiting for POST /specialize," if handler is None else f"{handler.name} loaded in {load_ms:.0f} ms,"
    sys.stdout.write(f"{PREFIX}{loaded} listening on {address} "
                     f"({(time.perf_counter() - started) * 1000:.0f} ms after start)\n")

    received = stop.wait()
    app.readiness.mark_draining()
    log.info(f"{signal.Signals(received).name}: draining, readiness is now 503, "
             f"waiting for {app.limiter.in_flight} request(s) in flight")
    # The listener stays open while draining: probes see 503 and requests routed here before the
    # endpoint was removed are still served (each answer then closes its connection).
    if app.limiter.wait_idle(config.timeout_seconds + DRAIN_MARGIN_SECONDS):
        log.info("drained: no request in flight")
    else:
        log.warning(f"drain deadline reached with {app.limiter.in_flight} request(s) still in flight")
    _exit(EXIT_SUCCESS)


class _StopSignals:
    """SIGTERM and SIGINT, caught without touching the signal mask, so the function's code and its children
    run with the dispositions and mask a fresh process has.

    Blocking the signals (and sigwait-ing for them) would be inherited: by every thread the function starts,
    and through fork and exec by every child process, where a blocked SIGTERM makes ``Popen.terminate()`` do
    nothing. Instead a handler is installed and Python's wakeup fd carries the signal number to the main thread:
    the C-level handler writes it whichever thread the kernel picked, the Python-level one does nothing, and the
    main thread reads it from a socket. An exec resets caught signals to their defaults; a plain fork (say
    ``multiprocessing``) gets them reset by the at-fork hook below, and its own wakeup fd dropped, so a child's
    SIGTERM never reaches the runtime's drain.
    """

    def __init__(self, reader: socket.socket, writer: socket.socket) -> None:
        self._reader = reader
        self._writer = writer  # kept: the wakeup fd is its number, which must not be closed and reused

    @classmethod
    def install(cls) -> "_StopSignals":
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        for number in _STOP_SIGNALS:
            signal.signal(number, _ignore)
        os.register_at_fork(after_in_child=_restore_defaults)
        return cls(reader, writer)

    def wait(self) -> int:
        """Blocks until SIGTERM or SIGINT arrives; returns its number."""
        while True:
            data = self._reader.recv(64)
            for number in data:
                if number in _STOP_SIGNALS:
                    return number


def _ignore(signum, frame) -> None:  # noqa: ARG001 - the wakeup fd carries the signal, see _StopSignals
    pass


def _restore_defaults() -> None:
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _exit(code: int) -> None:
    """Exits now. os._exit, not sys.exit: a thread the function started (or one stuck in it) must not hold the process."""
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()  # the function's log handlers flush their buffers
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
