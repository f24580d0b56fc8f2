"""Generic mode (FUNCTION_GENERIC=1) and POST /specialize, against the runtime as a real child process."""

from __future__ import annotations

import http.client
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from harness import FUNCTIONS, eventually, exchange, start_runtime  # noqa: E402
from serverless_runtime.specialize import authorized, parse_request  # noqa: E402

TOKEN = "t0ken-of-this-instance"


def _generic():
    return start_runtime(env={"FUNCTION_GENERIC": "1", "SPECIALIZE_TOKEN": TOKEN, "FUNCTION_PATH": "", "HANDLER": ""},
                         wait_ready=False)


def _wait_alive(runtime) -> None:
    def alive() -> bool:
        try:
            return runtime.platform("/healthz", timeout=1).status == 200
        except OSError:
            return False
    eventually(alive, timeout=10, what="generic runtime listening")


def _specialize(runtime, body: dict, token: str | None = TOKEN, port: int | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port or runtime.platform_port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    try:
        return exchange(conn, "POST", "/specialize", json.dumps(body), headers)
    finally:
        conn.close()


ECHO = {"functionPath": os.path.join(FUNCTIONS, "echo"), "handler": "main:handle",
        "env": {"K_SERVICE": "hello", "FUNCTION_NAMESPACE": "default", "GREETING": "hi", "PORT": "1"}}


class GenericRuntimeTest(unittest.TestCase):
    def setUp(self) -> None:
        self.runtime = _generic()
        self.addCleanup(self.runtime.stop)
        _wait_alive(self.runtime)

    def test_before_specialization_public_port_answers_503_and_readyz_says_generic(self) -> None:
        self.assertEqual(self.runtime.request("GET", "/").status, 503)
        readyz = self.runtime.platform("/readyz")
        self.assertEqual((readyz.status, readyz.body), (503, b"generic"))

    def test_specialize_then_serves_the_function_with_its_env_and_identity(self) -> None:
        reply = _specialize(self.runtime, ECHO)
        self.assertEqual(reply.status, 200, reply.body)
        self.assertEqual(self.runtime.platform("/readyz").status, 200)
        self.assertEqual(self.runtime.request("GET", "/?name=pool").status, 200)
        metrics = self.runtime.platform("/metrics").body.decode()
        self.assertIn('function="hello"', metrics)
        again = _specialize(self.runtime, ECHO)
        self.assertEqual(again.status, 409)

    def test_the_function_sees_its_env_and_neither_the_token_nor_the_generic_flag(self) -> None:
        body = {"functionPath": os.path.join(FUNCTIONS, "env_probe"), "handler": "main:handle",
                "env": {"GREETING": "hi", "K_SERVICE": "hello"}}
        self.assertEqual(_specialize(self.runtime, body).status, 200)
        reply = self.runtime.request("GET", "/?name=GREETING&name=K_SERVICE&name=SPECIALIZE_TOKEN&name=FUNCTION_GENERIC")
        self.assertEqual(json.loads(reply.body),
                         {"GREETING": "hi", "K_SERVICE": "hello", "SPECIALIZE_TOKEN": None, "FUNCTION_GENERIC": None})

    def test_without_or_with_a_wrong_token_is_refused_401_and_nothing_is_loaded(self) -> None:
        self.assertEqual(_specialize(self.runtime, ECHO, token=None).status, 401)
        self.assertEqual(_specialize(self.runtime, ECHO, token=TOKEN + "x").status, 401)
        self.assertEqual(self.runtime.request("GET", "/").status, 503)

    def test_on_the_public_port_is_not_a_specialization(self) -> None:
        reply = _specialize(self.runtime, ECHO, port=self.runtime.port)
        self.assertEqual(reply.status, 503)
        self.assertEqual(self.runtime.platform("/readyz").status, 503)

    def test_bad_handler_answers_422_with_the_load_error_and_a_good_one_may_follow(self) -> None:
        reply = _specialize(self.runtime, {**ECHO, "handler": "main:nope"})
        self.assertEqual(reply.status, 422)
        self.assertIn('function "nope" not found', reply.body.decode())
        broken = _specialize(self.runtime, {**ECHO, "functionPath": os.path.join(FUNCTIONS, "broken_import")})
        self.assertEqual(broken.status, 422)
        self.assertEqual(_specialize(self.runtime, ECHO).status, 200)

    def test_invalid_function_settings_answer_422_naming_the_key(self) -> None:
        reply = _specialize(self.runtime, {**ECHO, "env": {"FUNCTION_TIMEOUT": "soon"}})
        self.assertEqual(reply.status, 422)
        self.assertIn("FUNCTION_TIMEOUT", reply.body.decode())

    def test_generic_mode_without_token_exits_2(self) -> None:
        runtime = start_runtime(env={"FUNCTION_GENERIC": "1", "FUNCTION_PATH": ""}, wait_ready=False)
        self.addCleanup(runtime.stop)
        self.assertEqual(runtime.wait_exit(10), 2)
        self.assertIn("SPECIALIZE_TOKEN", runtime.stderr)


class SpecializeUnitsTest(unittest.TestCase):
    def test_authorized(self) -> None:
        cases = [("Bearer abc", "abc", True), ("Bearer abd", "abc", False), ("abc", "abc", False),
                 (None, "abc", False), ("Bearer ", "", False), ("Bearer abc ", "abc", False)]
        for header, token, expected in cases:
            with self.subTest(header=header, token=token):
                self.assertEqual(authorized(header, token), expected)

    def test_parse_request(self) -> None:
        cases = [
            (b'{"functionPath": "/f", "handler": "m:h", "env": {"A": "1", "PORT": "9", "SPECIALIZE_TOKEN": "x"}}',
             {"A": "1", "FUNCTION_PATH": "/f", "HANDLER": "m:h"}, None),
            (b'{"functionPath": "/f"}', {"FUNCTION_PATH": "/f"}, None),
            (b'{"handler": "m:h"}', None, "functionPath"),
            (b'{"functionPath": "/f", "env": {"A": 1}}', None, "env"),
            (b'[1]', None, "JSON object"),
            (b'nope', None, "not JSON"),
        ]
        for body, env, error in cases:
            with self.subTest(body=body):
                applied, problem = parse_request(body)
                self.assertEqual(applied, env)
                if error is None:
                    self.assertIsNone(problem)
                else:
                    self.assertIn(error, problem)


if __name__ == "__main__":
    unittest.main()


class SignedSpecializationTest(unittest.TestCase):
    """The Kubernetes pools' authorization: RSASSA-PKCS1-v1_5/SHA-256 signatures made by openssl (a real signer)."""

    @classmethod
    def setUpClass(cls) -> None:
        import base64
        import shutil
        import subprocess
        import tempfile
        if shutil.which("openssl") is None:
            raise unittest.SkipTest("openssl is not installed")
        cls._dir = tempfile.mkdtemp(prefix="specialize-key-")
        cls._key = os.path.join(cls._dir, "key.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", cls._key],
                       check=True, capture_output=True)
        modulus = subprocess.run(["openssl", "rsa", "-in", cls._key, "-noout", "-modulus"], check=True, capture_output=True,
                                 text=True).stdout.strip().split("=", 1)[1]

        def b64url(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
        cls.jwk = json.dumps({"kty": "RSA", "n": b64url(bytes.fromhex(modulus)), "e": b64url((65537).to_bytes(3, "big"))})

    @classmethod
    def tearDownClass(cls) -> None:
        import shutil
        shutil.rmtree(cls._dir, ignore_errors=True)

    def _sign(self, pod_uid: str, body: bytes) -> str:
        import base64
        import subprocess
        from serverless_runtime.specialize import signed_message
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self._key], input=signed_message(pod_uid, body),
                                   check=True, capture_output=True).stdout
        return "Signature " + base64.b64encode(signature).decode("ascii")

    def test_signed_table(self) -> None:
        from serverless_runtime.specialize import authorizer
        authorize, error = authorizer({"SPECIALIZE_KEY": self.jwk, "SPECIALIZE_POD_UID": "uid-a"})
        self.assertIsNone(error)
        body = b'{"functionPath": "/function"}'
        good = self._sign("uid-a", body)
        cases = [
            ("the platform's signature for this pod and body", good, body, True),
            ("another pod's signature", self._sign("uid-b", body), body, False),
            ("another body", good, b'{"functionPath": "/other"}', False),
            ("the signature as a bearer token", "Bearer " + good.split(" ", 1)[1], body, False),
            ("a flipped byte", good[:-6] + ("A" if good[-6] != "A" else "B") + good[-5:], body, False),
            ("not base64", "Signature !!!", body, False),
            ("no header", None, body, False),
        ]
        for name, header, request_body, expected in cases:
            with self.subTest(name):
                self.assertEqual(expected, authorize(header, request_body))

    def test_authorizer_settings_table(self) -> None:
        from serverless_runtime.specialize import authorizer
        cases = [
            ("key without uid", {"SPECIALIZE_KEY": self.jwk}, "SPECIALIZE_POD_UID is required"),
            ("not a JWK", {"SPECIALIZE_KEY": "{}", "SPECIALIZE_POD_UID": "u"}, "must be an RSA JWK"),
            ("a short key", {"SPECIALIZE_KEY": json.dumps({"kty": "RSA", "n": "AQAB", "e": "AQAB"}), "SPECIALIZE_POD_UID": "u"},
             "at least 2048 bits"),
            ("nothing", {}, "SPECIALIZE_TOKEN (or SPECIALIZE_KEY and SPECIALIZE_POD_UID)"),
        ]
        for name, env, expected in cases:
            with self.subTest(name):
                authorize, error = authorizer(env)
                self.assertIsNone(authorize)
                self.assertIn(expected, error or "")
