"""Generic mode (FUNCTION_GENERIC=1): a warm runtime without a function, specialized once by the platform.

The platform keeps such processes ready in a pool and, on a cold start, sends ``POST /specialize`` to the private
PLATFORM_PORT with the token it gave the process at spawn (SPECIALIZE_TOKEN), or on Kubernetes signed for this one
pod with the platform's key (SPECIALIZE_KEY, SPECIALIZE_POD_UID: see ``signed``). The body names the function
(``functionPath``, ``handler``) and its environment (``env``: K_SERVICE, FUNCTION_TIMEOUT, the function's own
variables, ...). The runtime validates that environment as it would at start, loads the handler, and only then
serves it: 200 when it can serve, 422 with the load error when the function cannot be loaded, 409 when it was
already specialized. A specialized process never goes back to generic (the platform drains and kills it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import json
import os
import tarfile
import threading
from typing import Callable, Mapping

from .config import parse_config
from .loader import HandlerLoadError, load_handler

GENERIC = "FUNCTION_GENERIC"
TOKEN = "SPECIALIZE_TOKEN"
KEY = "SPECIALIZE_KEY"
POD_UID = "SPECIALIZE_POD_UID"
SIGNATURE_CONTEXT = "serverless-specialize-v1"

# The DER prefix of a SHA-256 DigestInfo (RFC 8017 section 9.2, note 1).
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")

# Kept from the process's own environment whatever the body says: they are how the platform reaches this process.
_PINNED = ("PORT", "PLATFORM_PORT", "HOST")
# Generic mode's own variables: never taken from a body, and gone from the environment once specialized.
_SECRET = (GENERIC, TOKEN, KEY, POD_UID)


def is_generic(env: Mapping[str, str]) -> bool:
    return env.get(GENERIC, "").strip().lower() in ("1", "true")


def authorized(header: str | None, token: str) -> bool:
    """Whether the Authorization header is ``Bearer <token>``; compared in constant time. Pure."""
    if not token or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer "):].encode("utf-8"), token.encode("utf-8"))


def signed_message(pod_uid: str, body: bytes) -> bytes:
    """What the platform signs for one specialization of one pod: the pod's uid and the body's SHA-256. Pure."""
    return f"{SIGNATURE_CONTEXT}\n{pod_uid}\n{hashlib.sha256(body).hexdigest()}".encode("utf-8")


def parse_key(text: str) -> tuple[tuple[int, int] | None, str | None]:
    """The platform's public key from SPECIALIZE_KEY (an RSA JWK: kty, n, e): ((n, e), None) or (None, error). Pure."""
    try:
        jwk = json.loads(text)
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
            return None, f"{KEY} must be an RSA JWK"
        n, e = (int.from_bytes(base64.urlsafe_b64decode(jwk[k] + "=" * (-len(jwk[k]) % 4)), "big") for k in ("n", "e"))
    except (ValueError, KeyError, TypeError, binascii.Error) as err:
        return None, f"{KEY} is not an RSA JWK: {err}"
    if n.bit_length() < 2048 or e < 3:
        return None, f"{KEY} must be an RSA key of at least 2048 bits"
    return (n, e), None


def signed(header: str | None, body: bytes, key: tuple[int, int], pod_uid: str) -> bool:
    """Whether the Authorization header is ``Signature <base64>``: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 8.2.2) by
    the platform's key over ``signed_message`` for this pod. Pure.

    Why this holds where a shared token did not: the pod holds the public key only, so a function that reads
    everything in its pod (environment, files, the runtime's memory) still cannot sign; a signature names one
    pod's uid, so the one a pod received is useless on any other; and a pod is specialized once, so replaying it
    on its own pod gets 409. The encoded message is rebuilt in full and compared, never parsed (no lax padding)."""
    if not header or not header.startswith("Signature ") or not pod_uid:
        return False
    try:
        signature = base64.b64decode(header[len("Signature "):].strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    n, e = key
    size = (n.bit_length() + 7) // 8
    value = int.from_bytes(signature, "big")
    if len(signature) != size or value >= n:
        return False
    digest_info = _SHA256_DIGEST_INFO + hashlib.sha256(signed_message(pod_uid, body)).digest()
    expected = b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info
    return hmac.compare_digest(pow(value, e, n).to_bytes(size, "big"), expected)


def authorizer(env: Mapping[str, str]) -> tuple[Callable[[str | None, bytes], bool] | None, str | None]:
    """How this process checks a specialization: a signature for this pod (SPECIALIZE_KEY and SPECIALIZE_POD_UID,
    Kubernetes pools) or the token it was given (SPECIALIZE_TOKEN, local pools). (check, None) or (None, error)."""
    key_text, uid = env.get(KEY, "").strip(), env.get(POD_UID, "").strip()
    if key_text:
        if not uid:
            return None, f"{POD_UID} is required with {KEY}"
        key, error = parse_key(key_text)
        if key is None:
            return None, error
        return (lambda header, body: signed(header, body, key, uid)), None
    token = env.get(TOKEN, "").strip()
    if not token:
        return None, f"{TOKEN} (or {KEY} and {POD_UID}) and PLATFORM_PORT are required in generic mode (FUNCTION_GENERIC)"
    return (lambda header, body: authorized(header, token)), None


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
    applied = {k: v for k, v in env.items() if k not in _PINNED and k not in _SECRET}
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

    def __init__(self, app, authorize: Callable[[str | None, bytes], bool]) -> None:  # app: RuntimeApp (not imported: app imports nothing of this)
        self._app = app
        self._authorize = authorize
        self._lock = threading.Lock()

    def handle(self, authorization: str | None, body: bytes) -> tuple[int, str]:
        """(status, text) for one ``POST /specialize``."""
        if not self._authorize(authorization, body):
            return 401, "a specialization needs the instance's token (Authorization: Bearer <SPECIALIZE_TOKEN>) or the platform's signature for this pod"
        applied, error = parse_request(body)
        if applied is None:
            return 400, error or "invalid request"
        artifact, error = parse_artifact(body)
        if error:
            return 400, error
        with self._lock:
            if self._app.handler is not None:
                return 409, f"already specialized as {self._app.handler.name}"
            merged = {k: v for k, v in os.environ.items() if k not in _SECRET}
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
            for name in _SECRET:
                os.environ.pop(name, None)
            os.environ.update(applied)
            self._app.specialize(config, handler)
            return 200, f"specialized as {handler.name}"
