"""Runs the function under FUNCTION_TIMEOUT.

Synchronous functions run on a thread of their own per invocation (a daemon thread, so one that never
returns cannot keep the process from exiting); ``async def`` functions, and awaitables returned by
synchronous ones, run on one event loop in a background thread. At the deadline the caller gets
HandlerTimeout: a coroutine is cancelled, a thread cannot be and runs on in the background, its
result discarded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable
from typing import Any, Callable

from .loader import LoadedHandler


class HandlerTimeout(Exception):
    """The function did not finish within FUNCTION_TIMEOUT."""


class _Outcome:
    """The result or exception of one call on a worker thread, and an event set when it is known."""

    __slots__ = ("done", "value", "error", "_lock", "_abandoned", "_on_late_failure")

    def __init__(self, on_late_failure: Callable[[BaseException], None]) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._abandoned = False
        self._on_late_failure = on_late_failure

    def run(self, fn: Callable[[Any], Any], argument: Any) -> None:
        try:
            self.value = fn(argument)
        except BaseException as e:  # noqa: BLE001 - handed to the request thread, which reports it
            self.error = e
        with self._lock:
            self.done.set()
            late = self._abandoned
        if late and self.error is not None:
            self._on_late_failure(self.error)

    def abandon(self) -> bool:
        """Gives up on the call unless it finished meanwhile; True if abandoned (a later failure is then reported)."""
        with self._lock:
            if self.done.is_set():
                return False
            self._abandoned = True
            return True


class Invoker:
    def __init__(self, handler: LoadedHandler, timeout_seconds: float, on_late_failure: Callable[[BaseException], None]) -> None:
        self._handler = handler
        self._timeout = timeout_seconds
        self._on_late_failure = on_late_failure
        self._loop: Any = None
        self._loop_lock = threading.Lock()

    def invoke(self, request: Any) -> Any:
        """The function's result; raises what it raised, or HandlerTimeout."""
        deadline = time.monotonic() + self._timeout
        if self._handler.is_coroutine_function:
            return self._await(self._handler.fn(request), deadline)
        result = self._on_thread(request, deadline)
        if isinstance(result, Awaitable):
            return self._await(result, deadline)
        return result

    def _on_thread(self, request: Any, deadline: float) -> Any:
        outcome = _Outcome(self._on_late_failure)
        worker = threading.Thread(target=outcome.run, args=(self._handler.fn, request), name="handler", daemon=True)
        worker.start()
        if not outcome.done.wait(max(0.0, deadline - time.monotonic())) and outcome.abandon():
            raise HandlerTimeout()
        if outcome.error is not None:
            raise outcome.error
        return outcome.value

    def _await(self, awaitable: Awaitable[Any], deadline: float) -> Any:
        import asyncio  # noqa: PLC0415 - ~45 ms of cold start that synchronous functions never pay
        import concurrent.futures  # noqa: PLC0415

        async def run() -> Any:
            return await awaitable

        future = asyncio.run_coroutine_threadsafe(run(), self._event_loop())
        done, _ = concurrent.futures.wait([future], timeout=max(0.0, deadline - time.monotonic()))
        if not done:
            future.cancel()
            raise HandlerTimeout()
        return future.result()

    def _event_loop(self) -> Any:
        """The shared event loop, started on first use."""
        with self._loop_lock:
            if self._loop is None:
                import asyncio  # noqa: PLC0415

                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="asyncio", daemon=True).start()
                self._loop = loop
            return self._loop
