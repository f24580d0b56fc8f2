"""The request object handed to the function."""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import parse_qs, urlsplit


class RequestError(Exception):
    """A failure the caller caused (e.g. ``request.json()`` on a body that is not JSON): answered with its status, not 500."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Headers(Mapping[str, str]):
    """A read-only, case-insensitive mapping of request headers.

    Iteration yields lower-case names; a repeated header's values are joined with ", " (as HTTP allows
    for every header but Set-Cookie, which requests do not carry).
    """

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        values: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            values[key] = f"{values[key]}, {value}" if key in values else value
        self._values = values

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Headers({self._values!r})"


def split_target(target: str) -> tuple[str, str]:
    """(path, query string) of a request target. Pure.

    The path stays as sent (percent-encoded); an absolute-form target ("http://host/p?q") is reduced to
    its path. Origin-form targets are split by hand because urlsplit would read "//x" as a host.
    """
    if not target.startswith("/"):
        parts = urlsplit(target)
        return (parts.path or "/", parts.query) if parts.scheme else (target, "")
    path, _, query = target.partition("?")
    return path, query


class Request:
    """What the function receives.

    - method: "GET", ...; path: the path without the query, as sent (not percent-decoded)
    - query: dict of name -> list of values (blank values kept), as urllib.parse.parse_qs gives
    - headers: a case-insensitive mapping
    - body: bytes (b"" when there is none); text(): decoded with the Content-Type charset (UTF-8 by
      default); json(): parsed, or a 400 answer if it is not JSON
    - event: the CloudEvent dict when the request is one (see cloudevents.py), else None
    """

    __slots__ = ("method", "path", "query", "headers", "body", "event")

    def __init__(self, method: str, target: str, headers: Headers, body: bytes, event: dict[str, Any] | None) -> None:
        self.method = method
        self.path, query = split_target(target)
        self.query: dict[str, list[str]] = parse_qs(query, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self.event = event

    def text(self) -> str:
        return self.body.decode(_charset(self.headers.get("content-type")), errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as e:
            raise RequestError(400, f"The request body is not valid JSON: {e}") from e

    def __repr__(self) -> str:
        return f"Request({self.method} {self.path}, {len(self.body)} bytes{', event' if self.event else ''})"


def _charset(content_type: str | None) -> str:
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.lower() == "charset" and value:
            candidate = value.strip('"').lower()
            try:
                "".encode(candidate)
            except LookupError:
                return "utf-8"
            return candidate
    return "utf-8"
