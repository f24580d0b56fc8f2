"""Reads (or discards) one request body from a connection: Content-Length or chunked, with a size limit.

http.server leaves the body to the handler and knows nothing of chunked encoding.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Callable, Iterator

from .request import RequestError
from .text import quote

_MAX_LINE = 8192
_PIECE = 64 * 1024
_HEX = re.compile(rb"^[0-9A-Fa-f]{1,15}$")


class BodyTooLarge(Exception):
    """The body grew past the limit while being read."""


class CallerGone(Exception):
    """The connection ended (or timed out) before the whole body arrived."""


class BodyReader:
    """The body of one request.

    ``expect_continue``: the caller waits for "100 Continue" before it sends the body; send_continue is
    called on the first read, so that a body refused up front (413, 429) is never sent at all.
    Raises RequestError (400) at construction for framing it cannot trust (both Transfer-Encoding and
    Content-Length, conflicting lengths, an encoding other than chunked): request smuggling starts there.
    """

    def __init__(self, rfile: BinaryIO, transfer_encoding: str | None, content_lengths: list[str],
                 expect_continue: bool, send_continue: Callable[[], None]) -> None:
        self._rfile = rfile
        self._expect_continue = expect_continue
        self._send_continue = send_continue
        self._chunks: Iterator[bytes] | None = None
        self.declared: int | None = 0
        if transfer_encoding is not None:
            if content_lengths:
                raise RequestError(400, "The request has both Transfer-Encoding and Content-Length")
            if transfer_encoding.strip().lower() != "chunked":
                raise RequestError(400, f"Transfer-Encoding {quote(transfer_encoding)} is not supported; use chunked")
            self.declared = None
            self._chunks = self._iter_chunks()
        elif content_lengths:
            value = content_lengths[0].strip()
            if len(set(v.strip() for v in content_lengths)) > 1 or not (value.isascii() and value.isdigit()):
                raise RequestError(400, f"Content-Length {quote(', '.join(content_lengths))} is not a single number")
            self.declared = int(value)
        self.consumed = self.declared == 0

    def read_all(self, max_bytes: int) -> bytes:
        """The whole body. Raises BodyTooLarge past max_bytes, CallerGone, or RequestError for bad chunked framing."""
        if self.consumed:
            return b""
        self._start()
        if self.declared is not None:
            if self.declared > max_bytes:
                raise BodyTooLarge()
            data = self._read(self.declared)
            if len(data) < self.declared:
                raise CallerGone()
            self.consumed = True
            return data
        parts, size = [], 0
        for piece in self._chunks_iter():
            size += len(piece)
            if size > max_bytes:
                raise BodyTooLarge()
            parts.append(piece)
        self.consumed = True
        return b"".join(parts)

    def can_discard(self, limit: int) -> bool:
        """Whether discard(limit) may succeed; False is certain (the answer can say Connection: close)."""
        return self.consumed or (not self._expect_continue and (self.declared is None or self.declared <= limit))

    def discard(self, limit: int) -> bool:
        """Reads and drops what is left of the body, up to limit bytes; True when the connection can be reused.

        False means the connection must be closed: the body is larger than the limit, its framing is
        broken, the caller went away, or the caller still waits for 100 Continue and sends nothing.
        """
        if self.consumed:
            return True
        if not self.can_discard(limit):
            return False
        try:
            if self.declared is not None:
                remaining = self.declared
                while remaining:
                    piece = self._read(min(remaining, _PIECE))
                    if not piece:
                        return False
                    remaining -= len(piece)
            else:
                dropped = 0
                for piece in self._chunks_iter():
                    dropped += len(piece)
                    if dropped > limit:
                        return False
        except (CallerGone, RequestError, OSError):
            # Each means the connection cannot carry another request: the caller closes it.
            return False
        self.consumed = True
        return True

    def _start(self) -> None:
        if self._expect_continue:
            self._expect_continue = False
            self._send_continue()

    def _read(self, n: int) -> bytes:
        try:
            return self._rfile.read(n)
        except TimeoutError as e:
            raise CallerGone() from e

    def _readline(self) -> bytes:
        try:
            line = self._rfile.readline(_MAX_LINE + 1)
        except TimeoutError as e:
            raise CallerGone() from e
        if not line:
            raise CallerGone()
        if len(line) > _MAX_LINE:
            raise RequestError(400, "A chunked body line is too long")
        return line

    def _chunks_iter(self) -> Iterator[bytes]:
        assert self._chunks is not None
        return self._chunks

    def _iter_chunks(self) -> Iterator[bytes]:
        """The data of each chunk, in pieces of at most 64 KiB (RFC 9112 section 7.1)."""
        while True:
            size_text = self._readline().split(b";", 1)[0].strip()
            if not _HEX.match(size_text):
                raise RequestError(400, "A chunk size is not a hexadecimal number")
            remaining = int(size_text, 16)
            if remaining == 0:
                while self._readline() not in (b"\r\n", b"\n"):
                    pass  # trailer fields: ignored
                return
            while remaining:
                piece = self._read(min(remaining, _PIECE))
                if not piece:
                    raise CallerGone()
                remaining -= len(piece)
                yield piece
            if self._readline() not in (b"\r\n", b"\n"):
                raise RequestError(400, "A chunk does not end with CRLF")
