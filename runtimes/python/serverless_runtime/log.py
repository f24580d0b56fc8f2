"""A levelled logger writing single lines to stderr (stdout belongs to the function's own output)."""

from __future__ import annotations

import sys
import threading
from datetime import datetime, timezone
from typing import TextIO

from .config import LOG_LEVELS

# Prefix of the runtime's own one-line messages (startup, fatal errors), which the supervisor shows in a Function's status.
PREFIX = "serverless-runtime: "

_NAMES = ("trce", "dbug", "info", "warn", "fail", "crit")


class Logger:
    """Format as the .NET runtime's simple console: ``<UTC time> <level>: <message>``. Thread-safe."""

    def __init__(self, minimum_level: int, stream: TextIO | None = None) -> None:
        self._minimum = minimum_level
        self._stream = stream if stream is not None else sys.stderr
        self._lock = threading.Lock()

    def enabled(self, level: int) -> bool:
        return level >= self._minimum

    def _write(self, level: int, message: str) -> None:
        if level < self._minimum:
            return
        stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self._lock:
            self._stream.write(f"{stamp} {_NAMES[level]}: {message}\n")
            self._stream.flush()

    def debug(self, message: str) -> None:
        self._write(LOG_LEVELS["debug"], message)

    def info(self, message: str) -> None:
        self._write(LOG_LEVELS["information"], message)

    def warning(self, message: str) -> None:
        self._write(LOG_LEVELS["warning"], message)

    def error(self, message: str) -> None:
        self._write(LOG_LEVELS["error"], message)
