"""Small text helpers for one-line diagnostics."""

_MAX_LENGTH = 200


def quote(value: str) -> str:
    """Quotes untrusted text for a one-line diagnostic.

    Control characters are escaped so that a hostile value (a HANDLER, a header) cannot forge extra
    log lines, and very long values are cut.
    """
    text = str(value)
    out = ['"']
    for c in text[:_MAX_LENGTH]:
        code = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    out.append('"')
    if len(text) > _MAX_LENGTH:
        out.append("...")
    return "".join(out)


def first_line(value: object) -> str:
    """The first line of a message, for errors that must fit on one line."""
    return str(value).splitlines()[0] if str(value) else ""
