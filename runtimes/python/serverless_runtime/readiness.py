"""What /readyz answers: 200 only between the handler's load and the start of the drain."""

LOADING = "loading"
# A generic runtime (FUNCTION_GENERIC) waiting for its function: alive (/healthz), not ready.
GENERIC = "generic"
READY = "ready"
DRAINING = "draining"


class Readiness:
    """Thread-safe: the phase is one attribute, written by the main thread and read by request threads."""

    def __init__(self) -> None:
        self.phase = LOADING

    def mark_ready(self) -> None:
        """Moves from loading to ready; a drain that already began is never undone."""
        if self.phase in (LOADING, GENERIC):
            self.phase = READY

    def mark_draining(self) -> None:
        self.phase = DRAINING
