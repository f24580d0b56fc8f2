"""Counts invocations in flight and admits at most ``limit`` of them (0 = unlimited). Thread-safe."""

from __future__ import annotations

import threading


class ConcurrencyLimiter:
    """It never queues: the activator in front of the runtime does, so a refused request is answered 429 at once."""

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError(f"limit must be >= 0, was {limit}")
        self.limit = limit
        self._in_flight = 0
        self._changed = threading.Condition()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def try_acquire(self) -> bool:
        """Admits a request if there is room; every True must be paired with one release()."""
        with self._changed:
            if self.limit and self._in_flight >= self.limit:
                return False
            self._in_flight += 1
            return True

    def release(self) -> None:
        with self._changed:
            if self._in_flight == 0:
                raise RuntimeError("release() called more often than try_acquire() succeeded")
            self._in_flight -= 1
            if self._in_flight == 0:
                self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Waits until nothing is in flight (at once if nothing is); False if timeout seconds passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_flight == 0, timeout)
