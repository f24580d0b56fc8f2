"""The runtime's metrics in Prometheus text exposition format 0.0.4. Thread-safe."""

from __future__ import annotations

import threading
from typing import Iterable

from .limiter import ConcurrencyLimiter

# Names shared by every runtime (and the .NET one); documented in runtimes/README.md.
REQUESTS_TOTAL = "serverless_runtime_requests_total"
IN_FLIGHT = "serverless_runtime_in_flight"
REQUEST_DURATION = "serverless_runtime_request_duration_seconds"

# 5 ms to the default FUNCTION_TIMEOUT of 300 s; the same buckets in every runtime (C#, node, python).
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class RuntimeMetrics:
    """Only invocations are recorded; /healthz, /readyz and /metrics are not.

    The in-flight gauge is read from the limiter at scrape time, so there is a single source of truth for it.
    """

    def __init__(self, limiter: ConcurrencyLimiter, labels: Iterable[tuple[str, str]] = ()) -> None:
        self._limiter = limiter
        self._labels = ",".join(f'{name}="{_escape(value)}"' for name, value in labels)
        self._lock = threading.Lock()
        self._requests: dict[int, int] = {}
        self._buckets = [0] * len(DURATION_BUCKETS)
        self._count = 0
        self._sum = 0.0

    def record(self, status: int, seconds: float) -> None:
        with self._lock:
            self._requests[status] = self._requests.get(status, 0) + 1
            self._count += 1
            self._sum += seconds
            for i, le in enumerate(DURATION_BUCKETS):
                if seconds <= le:
                    self._buckets[i] += 1

    def render(self) -> str:
        with self._lock:
            requests = sorted(self._requests.items())
            buckets = list(self._buckets)
            count, total = self._count, self._sum
        own = self._labels
        bare = f"{{{own}}}" if own else ""

        def with_label(name: str, value: object) -> str:
            label = f'{name}="{value}"'
            return f"{{{own},{label}}}" if own else f"{{{label}}}"

        lines = [
            f"# HELP {REQUESTS_TOTAL} Function invocations, by HTTP status code.",
            f"# TYPE {REQUESTS_TOTAL} counter",
            *(f"{REQUESTS_TOTAL}{with_label('code', code)} {n}" for code, n in requests),
            f"# HELP {IN_FLIGHT} Function invocations being processed.",
            f"# TYPE {IN_FLIGHT} gauge",
            f"{IN_FLIGHT}{bare} {self._limiter.in_flight}",
            f"# HELP {REQUEST_DURATION} Time from receiving an invocation to its response, in seconds.",
            f"# TYPE {REQUEST_DURATION} histogram",
            # format "g": le="1" and le="0.005", as the other runtimes write them.
            *(f"{REQUEST_DURATION}_bucket{with_label('le', format(le, 'g'))} {n}" for le, n in zip(DURATION_BUCKETS, buckets)),
            f"{REQUEST_DURATION}_bucket{with_label('le', '+Inf')} {count}",
            f"{REQUEST_DURATION}_sum{bare} {total!r}",
            f"{REQUEST_DURATION}_count{bare} {count}",
        ]
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    """A label value in the text format: backslash, double quote and line feed escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
