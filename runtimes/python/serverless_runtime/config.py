"""Reads the runtime settings from the environment contract. Pure: takes a mapping, returns settings or errors."""

from __future__ import annotations

import ipaddress
import os
from typing import Mapping, NamedTuple

from .text import quote

DEFAULT_HOST = "127.0.0.1"
DEFAULT_HANDLER = "main:handle"
DEFAULT_TIMEOUT_SECONDS = 300
DEFAULT_MAX_REQUEST_BODY_BYTES = 32 * 1024 * 1024
MAX_TIMEOUT_SECONDS = 24 * 60 * 60

# LOG_LEVEL names (the .NET ones plus the usual short forms) to severities; higher is more severe.
LOG_LEVELS = {
    "trace": 0, "debug": 1, "information": 2, "info": 2, "warning": 3, "warn": 3,
    "error": 4, "critical": 5, "none": 6,
}
DEFAULT_LOG_LEVEL = LOG_LEVELS["warning"]


class Config(NamedTuple):
    """The validated environment.

    ``handler`` and ``function_path`` are only checked for presence: the loader judges them, because a
    bad value there is the function's fault (exit 3) rather than the platform's (exit 2).
    """

    port: int
    host: str
    function_path: str
    handler: str
    container_concurrency: int
    timeout_seconds: int
    max_request_body_bytes: int
    log_level: int
    debug: bool = False
    """FUNCTION_DEBUG (true/1): a handler's exception text goes back in the 500; otherwise only in the log."""
    platform_port: int | None = None
    """PLATFORM_PORT: /healthz, /readyz and /metrics are served there only; None serves none. Every path on PORT is the function's."""
    metric_labels: tuple[tuple[str, str], ...] = ()
    """(name, value) every metric carries: namespace, function, revision, from the platform's variables that are set."""


def parse_config(env: Mapping[str, str]) -> tuple[Config | None, list[str]]:
    """Returns (config, []) or (None, errors); each error names the key, the value and the allowed range."""
    errors: list[str] = []
    port = _integer(env, "PORT", 0, 1, 65535, errors, required=True)
    platform_port = _integer(env, "PLATFORM_PORT", 0, 1, 65535, errors) or None
    if platform_port is not None and platform_port == port:
        errors.append(f"PLATFORM_PORT = {quote(env['PLATFORM_PORT'])}, must differ from PORT")
    host = _host(env, errors)
    function_path = env.get("FUNCTION_PATH", "")
    if not function_path.strip():
        errors.append("FUNCTION_PATH is required (the directory holding the function's source)")
    handler = env.get("HANDLER", "").strip() or DEFAULT_HANDLER
    concurrency = _integer(env, "CONTAINER_CONCURRENCY", 0, 0, 2**31 - 1, errors)
    timeout = _integer(env, "FUNCTION_TIMEOUT", DEFAULT_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS, errors)
    max_body = _integer(env, "MAX_REQUEST_BODY_BYTES", DEFAULT_MAX_REQUEST_BODY_BYTES, 1, 2**63 - 1, errors)
    log_level = _log_level(env, errors)
    if errors:
        return None, errors
    return Config(
        port=port,
        host=host,
        function_path=os.path.abspath(function_path),
        handler=handler,
        container_concurrency=concurrency,
        timeout_seconds=timeout,
        max_request_body_bytes=max_body,
        log_level=log_level,
        debug=env.get("FUNCTION_DEBUG", "").strip().lower() in ("true", "1"),
        platform_port=platform_port,
        metric_labels=tuple((label, env[key]) for label, key in _IDENTITY if env.get(key, "").strip()),
    ), errors


# Metric label <- the platform's variable naming the instance; one unset or blank is left out rather than empty.
_IDENTITY = (("namespace", "FUNCTION_NAMESPACE"), ("function", "K_SERVICE"), ("revision", "K_REVISION"))


def _integer(env: Mapping[str, str], key: str, default: int, low: int, high: int,
             errors: list[str], required: bool = False) -> int:
    value = env.get(key, "")
    if value == "":
        if required:
            errors.append(f"{key} is required (an integer in {low}..{high})")
        return default
    # isascii: str.isdigit also accepts digits of other scripts ("٣") and superscripts.
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        errors.append(f"{key} = {quote(value)}, must be an integer in {low}..{high}")
        return default
    return int(value)


def _host(env: Mapping[str, str], errors: list[str]) -> str:
    value = env.get("HOST", "")
    if value == "":
        return DEFAULT_HOST
    if value.lower() == "localhost":
        return DEFAULT_HOST
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        errors.append(f"HOST = {quote(value)}, must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or localhost")
        return DEFAULT_HOST


def _log_level(env: Mapping[str, str], errors: list[str]) -> int:
    value = env.get("LOG_LEVEL", "")
    if value == "":
        return DEFAULT_LOG_LEVEL
    level = LOG_LEVELS.get(value.lower())
    if level is None:
        errors.append(f"LOG_LEVEL = {quote(value)}, must be one of trace, debug, information, warning, error, critical, none")
        return DEFAULT_LOG_LEVEL
    return level
