"""Wiring: environment -> settings -> handler -> listen -> drain on SIGTERM.

The handler is loaded before listening, so a broken function exits with code 3 and one line on stderr
instead of ever answering.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from .app import RuntimeApp
from .config import parse_config
from .loader import HandlerLoadError, load_handler
from .log import PREFIX, Logger
from .server import RuntimeServer

# Process exit codes the supervisor tells apart; the same in every runtime.
EXIT_SUCCESS = 0
EXIT_INVALID_CONFIGURATION = 2
EXIT_HANDLER_LOAD_FAILED = 3
EXIT_LISTEN_FAILED = 4

# Time to stop beyond FUNCTION_TIMEOUT: a request admitted just before SIGTERM may run to its timeout and get its 504 written.
DRAIN_MARGIN_SECONDS = 3

_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def main(started: float) -> None:
    # Blocked before any thread starts, so every thread inherits the mask and the main thread alone
    # receives them, in sigwait below: no handler runs at an arbitrary point of another thread's work.
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    # The function's print() output reaches the platform's logs line by line, not when a buffer fills.
    sys.stdout.reconfigure(line_buffering=True)

    config, errors = parse_config(os.environ)
    if config is None:
        for error in errors:
            sys.stderr.write(PREFIX + error + "\n")
        _exit(EXIT_INVALID_CONFIGURATION)
    log = Logger(config.log_level)

    load_started = time.perf_counter()
    try:
        handler = load_handler(config.function_path, config.handler)
    except HandlerLoadError as e:
        sys.stderr.write(f"{PREFIX}{e}\n")
        _exit(EXIT_HANDLER_LOAD_FAILED)
    load_ms = (time.perf_counter() - load_started) * 1000

    app = RuntimeApp(config, handler, log)
    address = f"http://[{config.host}]:{config.port}" if ":" in config.host else f"http://{config.host}:{config.port}"
    try:
        server = RuntimeServer(config.host, config.port, app)
    except OSError as e:
        sys.stderr.write(f"{PREFIX}cannot listen on {address}: {e.strerror or e}\n")
        _exit(EXIT_LISTEN_FAILED)
    app.readiness.mark_ready()
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    sys.stdout.write(f"{PREFIX}{handler.name} loaded in {load_ms:.0f} ms, listening on {address} "
                     f"({(time.perf_counter() - started) * 1000:.0f} ms after start)\n")

    received = signal.sigwait(_STOP_SIGNALS)
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


def _exit(code: int) -> None:
    """Exits now. os._exit, not sys.exit: a thread the function started (or one stuck in it) must not hold the process."""
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()  # the function's log handlers flush their buffers
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
