"""Pure conversions from what a handler returns (or what went wrong) to a Response."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

PROBLEM_CONTENT_TYPE = "application/problem+json"
_RESPONSE_KEYS = frozenset(("status", "headers", "body"))
# Framing headers the runtime owns: a handler setting them would desynchronize the connection.
_OWNED_HEADERS = frozenset(("content-length", "transfer-encoding", "connection", "keep-alive"))
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
# Titles as ASP.NET Core (and Node) write them, so that every runtime's problems read the same;
# Python's own phrase for 413 is the older "Request Entity Too Large".
_TITLES = {413: "Payload Too Large"}


class Response(NamedTuple):
    status: int
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)


def to_response(result: Any) -> Response:
    """The rules (runtimes/README.md):

    - None: 204 No Content
    - str: 200 text/plain; charset=utf-8
    - bytes, bytearray, memoryview: 200 application/octet-stream
    - a (status, headers, body) tuple, or a dict with an int "status" and no keys beyond status, headers
      and body: that response; its body follows these rules, headers a dict or a list of (name, value)
    - dict, list and anything else json.dumps accepts: 200 application/json

    Raises ValueError or TypeError for what cannot be sent (an invalid status or header, a value JSON cannot represent).
    """
    if isinstance(result, tuple):
        if len(result) != 3:
            raise ValueError(f"a returned tuple must be (status, headers, body); it has {len(result)} items")
        return _explicit(*result)
    if _is_response_dict(result):
        return _explicit(result["status"], result.get("headers"), result.get("body"))
    if result is None:
        return Response(204)
    body, content_type = _encode_body(result)
    return Response(200, [("Content-Type", content_type)], body)


def _is_response_dict(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("status"), int)
            and not isinstance(value["status"], bool) and value.keys() <= _RESPONSE_KEYS)


def _explicit(status: Any, headers: Any, body: Any) -> Response:
    if not isinstance(status, int) or isinstance(status, bool) or not 200 <= status <= 599:
        raise ValueError(f"the returned status {status!r} is not an HTTP status code in 200..599")
    pairs = _normalize_headers(headers)
    if not allows_body(status):
        return Response(status, pairs)
    encoded, content_type = _encode_body(body) if body is not None else (b"", None)
    if content_type is not None and not any(k.lower() == "content-type" for k, _ in pairs):
        pairs.append(("Content-Type", content_type))
    return Response(status, pairs, encoded)


def _encode_body(value: Any) -> tuple[bytes, str]:
    if isinstance(value, str):
        return value.encode("utf-8"), "text/plain; charset=utf-8"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value), "application/octet-stream"
    return json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json"


def _normalize_headers(headers: Any) -> list[tuple[str, str]]:
    if headers is None:
        return []
    items: Iterable[Any] = headers.items() if isinstance(headers, Mapping) else headers
    pairs: list[tuple[str, str]] = []
    for item in items:
        name, value = item
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise ValueError(f"the returned header name {name!r} is not a valid HTTP token")
        if name.lower() in _OWNED_HEADERS or value is None:
            continue
        for v in value if isinstance(value, (list, tuple)) else (value,):
            text = str(v)
            # CR/LF would split the response (header injection); NUL is never valid.
            if any(c in text for c in "\r\n\0"):
                raise ValueError(f"the returned header {name!r} has a value with CR, LF or NUL")
            pairs.append((name, text))
    return pairs


def problem(status: int, detail: str, headers: list[tuple[str, str]] | None = None, instance: str | None = None) -> Response:
    """An RFC 7807 problem response for failures the runtime itself reports; never includes a stack trace.

    ``instance`` names this occurrence as the log does, so that a caller can hand it to whoever reads the logs.
    """
    title = _TITLES.get(status) or HTTPStatus(status).phrase
    members: dict[str, object] = {"title": title, "status": status, "detail": detail}
    if instance is not None:
        members["instance"] = instance
    body = json.dumps(members, ensure_ascii=False).encode("utf-8")
    return Response(status, [*(headers or []), ("Content-Type", PROBLEM_CONTENT_TYPE)], body)


def allows_body(status: int) -> bool:
    return status not in (204, 304)
