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
