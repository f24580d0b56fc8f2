"""The CloudEvents 1.0 HTTP protocol binding, pure functions only.

Which requests are events, turning a request into ``request.event``, and turning a returned event into
a binary-mode response.
https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import re
from typing import Any, Callable, Mapping
from urllib.parse import unquote_to_bytes

SPEC_VERSION = "1.0"
REQUIRED = ("specversion", "id", "source", "type")
STRUCTURED_MEDIA_TYPE = "application/cloudevents+json"
# Attributes carried outside ce-* headers in binary mode.
_NOT_HEADERS = frozenset(("data", "data_base64", "datacontenttype"))
# CloudEvents attribute names: lower-case ASCII letters and digits.
_ATTRIBUTE_NAME = re.compile(r"^[a-z0-9]+$")


class EventError(ValueError):
    """An incoming event is invalid; the message is the detail of the 400 answer."""


def event_mode(headers: Mapping[str, str]) -> str | None:
    """"binary", "structured" or None. Batch mode is not an event here: it reaches the handler as plain HTTP."""
    # The content type decides first, as the HTTP binding says: SDKs send ce-* headers in structured mode too.
    if media_type(headers.get("content-type")) == STRUCTURED_MEDIA_TYPE:
        return "structured"
    if "ce-specversion" in headers:
        return "binary"
    return None


def parse_event(mode: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """The event carried by a request, as a dict of its attributes plus "data". Raises EventError.

    Binary mode: attributes from ce-* headers (percent-decoded), datacontenttype from Content-Type,
    data from the body. Structured mode: the body is the event as JSON; data_base64 becomes bytes in data.
    """
    return _parse_binary(headers, body) if mode == "binary" else _parse_structured(body)


def _parse_binary(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    event: dict[str, Any] = {}
    for name, value in headers.items():
        if name.startswith("ce-") and len(name) > 3:
            event[name[3:]] = percent_decode(value)
    if "content-type" in headers:
        event["datacontenttype"] = headers["content-type"]
    _validate_incoming(event)
    event["data"] = _decode_data(body, event.get("datacontenttype"))
    return event


def _parse_structured(body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except ValueError as e:
        raise EventError(f"The structured CloudEvent is not valid JSON: {e}") from e
    if not isinstance(event, dict):
        raise EventError("The structured CloudEvent must be a JSON object")
    _validate_incoming(event)
    if "data_base64" in event:
        encoded = event.pop("data_base64")
        if not isinstance(encoded, str):
            raise EventError('The CloudEvent attribute "data_base64" must be a string')
        try:
            event["data"] = base64.b64decode(encoded, validate=True)
        except binascii.Error as e:
            raise EventError(f'The CloudEvent attribute "data_base64" is not valid base64: {e}') from e
    else:
        event.setdefault("data", None)
    return event


def _validate_incoming(event: Mapping[str, Any]) -> None:
    for name in REQUIRED:
        value = event.get(name)
        if value is None or value == "":
            raise EventError(f'The CloudEvent is missing the required attribute "{name}"')
        if not isinstance(value, str):
            raise EventError(f'The CloudEvent attribute "{name}" must be a string')
    if event["specversion"] != SPEC_VERSION:
        raise EventError(f'The CloudEvent specversion "{event["specversion"]}" is not supported; '
                         f'this runtime accepts "{SPEC_VERSION}"')


def _decode_data(body: bytes, content_type: str | None) -> Any:
    """Binary-mode data: JSON media types parsed, text/* as str, anything else as bytes; no body is None."""
    if not body:
        return None
    kind = media_type(content_type)
    if is_json_media_type(kind):
        try:
            return json.loads(body)
        except ValueError as e:
            raise EventError(f"The CloudEvent data is declared as {kind} but is not valid JSON: {e}") from e
    if kind.startswith("text/"):
        return body.decode("utf-8", errors="replace")
    return body


def is_event(value: Any) -> bool:
    """The rule for responses: a returned dict with a "specversion" key is a CloudEvent.

    It goes back in binary mode. (To answer JSON that happens to have that key, return a (status, headers, body) tuple.)
    """
    return isinstance(value, dict) and "specversion" in value


def to_binary_response(event: Mapping[str, Any], new_id: Callable[[], str]) -> tuple[int, list[tuple[str, str]], bytes]:
    """The binary-mode (status, headers, body) for a returned event. Raises ValueError for an invalid one.

    A missing id is generated with new_id(); data: bytes as is, str as UTF-8 text, None no body, anything
    else as JSON. The Content-Type is datacontenttype, or a default matching the data.
    """
    if event.get("specversion") != SPEC_VERSION:
        raise ValueError(f"the returned CloudEvent has specversion {event.get('specversion')!r}; it must be {SPEC_VERSION!r}")
    for name in ("source", "type"):
        if not isinstance(event.get(name), str) or not event[name]:
            raise ValueError(f'the returned CloudEvent is missing the required attribute "{name}"')
    event_id = event.get("id")
    headers = [("ce-id", percent_encode(str(event_id) if event_id not in (None, "") else new_id()))]
    for name, value in event.items():
        if name in _NOT_HEADERS or name == "id" or value is None:
            continue
        if not isinstance(name, str) or not _ATTRIBUTE_NAME.match(name):
            raise ValueError(f"the returned CloudEvent has an invalid attribute name {name!r} (lower-case letters and digits only)")
        headers.append((f"ce-{name}", percent_encode(_attribute_text(value))))
    body, default_type = _encode_data(event)
    content_type = event.get("datacontenttype") or default_type
    if content_type is not None:
        # The one attribute sent as it is, not percent-encoded: CR/LF in it would split the response.
        if any(c in str(content_type) for c in "\r\n\0"):
            raise ValueError("the returned CloudEvent has a datacontenttype with CR, LF or NUL")
        headers.append(("content-type", str(content_type)))
    return 200, headers, body


def _attribute_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def _encode_data(event: Mapping[str, Any]) -> tuple[bytes, str | None]:
    if event.get("data_base64") is not None:
        return base64.b64decode(event["data_base64"]), "application/octet-stream"
    data = event.get("data")
    if data is None:
        return b"", None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data), "application/octet-stream"
    if isinstance(data, str):
        return data.encode("utf-8"), "text/plain; charset=utf-8"
    return json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json"


def media_type(content_type: str | None) -> str:
    """The lower-case media type of a Content-Type value, without parameters; "" when absent."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def is_json_media_type(kind: str) -> bool:
    return kind in ("application/json", "text/json") or kind.endswith("+json")


def percent_encode(value: str) -> str:
    """Header-value encoding of the HTTP binding (3.1.3.2): space, '"', '%' and non-printable-ASCII as %XX of UTF-8."""
    return "".join(
        f"%{b:02X}" if b <= 0x20 or b >= 0x7F or b in (0x22, 0x25) else chr(b)
        for b in value.encode("utf-8")
    )


def percent_decode(value: str) -> str:
    """The inverse of percent_encode; a malformed sequence leaves the value as it came."""
    if "%" not in value:
        return value
    try:
        return unquote_to_bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        return value
