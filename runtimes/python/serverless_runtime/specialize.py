"""Generic mode (FUNCTION_GENERIC=1): a warm runtime without a function, specialized once by the platform.

The platform keeps such processes ready in a pool and, on a cold start, sends ``POST /specialize`` to the private
PLATFORM_PORT with the token it gave the process at spawn (SPECIALIZE_TOKEN). The body names the function
(``functionPath``, ``handler``) and its environment (``env``: K_SERVICE, FUNCTION_TIMEOUT, the function's own
variables, ...). The runtime validates that environment as it would at start, loads the handler, and only then
serves it: 200 when it can serve, 422 with the load error when the function cannot be loaded, 409 when it was
already specialized. A specialized process never goes back to generic (the platform drains and kills it).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import io
import json
import os
import tarfile
import threading
from typing import Mapping

from .config import parse_config
from .loader import HandlerLoadError, load_handler

GENERIC = "FUNCTION_GENERIC"
TOKEN = "SPECIALIZE_TOKEN"

# Kept from the process's own environment whatever the body says: they are how the platform reaches this process.
_PINNED = ("PORT", "PLATFORM_PORT", "HOST")


def is_generic(env: Mapping[str, str]) -> bool:
    return env.get(GENERIC, "").strip().lower() in ("1", "true")


def authorized(header: str | None, token: str) -> bool:
    """Whether the Authorization header is ``Bearer <token>``; compared in constant time. Pure."""
    if not token or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer "):].encode("utf-8"), token.encode("utf-8"))


def parse_request(body: bytes) -> tuple[dict[str, str] | None, str | None]:
    """Returns (environment to apply, None) or (None, error). Pure."""
    try:
        document = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as e:
        return None, f"the body is not JSON: {e}"
    if not isinstance(document, dict):
        return None, "the body must be a JSON object with functionPath, handler and env"
    path, handler, env = document.get("functionPath"), document.get("handler", ""), document.get("env", {})
    if not isinstance(path, str) or not path.strip():
        return None, "functionPath is required (a directory)"
    if not isinstance(handler, str):
        return None, "handler must be a string"
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        return None, "env must be an object of string values"
    applied = {k: v for k, v in env.items() if k not in _PINNED and k not in (GENERIC, TOKEN)}
    applied["FUNCTION_PATH"] = path
    if handler.strip():
        applied["HANDLER"] = handler
    return applied, None


def parse_artifact(body: bytes) -> tuple[bytes | None, str | None]:
    """The optional ``artifact`` (base64 of a .tar.gz, as Kubernetes artifact ConfigMaps hold it): (bytes or None, error). Pure."""
    try:
        value = json.loads(body or b"null").get("artifact")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None, None  # parse_request reports the body itself
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, "artifact must be a base64 string (a .tar.gz)"
    try:
        return base64.b64decode(value, validate=True), None
    except (binascii.Error, ValueError) as e:
        return None, f"artifact is not base64: {e}"


def unpack(artifact: bytes, directory: str) -> str | None:
    """Unpacks a .tar.gz into an existing, empty directory (a Kubernetes pool pod's emptyDir); the error or None.

    The ``data`` filter refuses absolute paths, ``..``, links out of the directory and device files, as an
    untrusted archive needs."""
    if not os.path.isdir(directory):
        return f"functionPath {directory} is not a directory to unpack the artifact into"
    if os.listdir(directory):
        return f"functionPath {directory} is not empty: an artifact is unpacked into an empty directory only"
    try:
        with tarfile.open(fileobj=io.BytesIO(artifact), mode="r:gz") as archive:
            archive.extractall(directory, filter="data")
    except (tarfile.TarError, OSError, EOFError) as e:
        return f"the artifact cannot be unpacked: {e}"
    return None


class Specializer:
    """Turns the generic app into the function's, once. Thread-safe: one specialization at a time."""

    def __init__(self, app, token: str) -> None:  # app: RuntimeApp (not imported: app imports nothing of this)
        self._app = app
        self._token = token
        self._lock = threading.Lock()

    def handle(self, authorization: str | None, body: bytes) -> tuple[int, str]:
        """(status, text) for one ``POST /specialize``."""
        if not authorized(authorization, self._token):
            return 401, "a specialization needs the instance's token: Authorization: Bearer <SPECIALIZE_TOKEN>"
        applied, error = parse_request(body)
        if applied is None:
            return 400, error or "invalid request"
        artifact, error = parse_artifact(body)
        if error:
            return 400, error
        with self._lock:
            if self._app.handler is not None:
                return 409, f"already specialized as {self._app.handler.name}"
            merged = {k: v for k, v in os.environ.items() if k not in (GENERIC, TOKEN)}
            merged.update(applied)
            if artifact is not None and (error := unpack(artifact, applied["FUNCTION_PATH"])):
                return 422, error
            config, errors = parse_config(merged)
            if config is None:
                return 422, "; ".join(errors)
            try:
                handler = load_handler(config.function_path, config.handler)
            except HandlerLoadError as e:
                return 422, str(e)
            # The function sees its own environment, as if it had been started with it; the token leaves it.
            os.environ.pop(TOKEN, None)
            os.environ.pop(GENERIC, None)
            os.environ.update(applied)
            self._app.specialize(config, handler)
            return 200, f"specialized as {handler.name}"
