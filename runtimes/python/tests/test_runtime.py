"""Behaviour of the runtime as a real child process on a loopback port (the same cases the
cross-runtime conformance suite runs against every runtime)."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import signal
import threading
import time
import unittest
from urllib.parse import unquote

from harness import FUNCTIONS, Reply, eventually, exchange, in_flight, parse_metrics, raw_exchange, start_runtime

MiB = 1024 * 1024


class ProblemAssertions(unittest.TestCase):
    def assert_problem(self, reply: Reply, status: int, detail_pattern: str) -> dict:
        self.assertEqual(reply.status, status, reply.body)
        self.assertEqual(reply.headers["content-type"], "application/problem+json")
        problem = json.loads(reply.body)
        self.assertEqual(problem["status"], status)
        self.assertIsInstance(problem["title"], str)
        self.assertRegex(problem["detail"], detail_pattern)
        return problem


class EchoRuntimeTest(ProblemAssertions):
    """One runtime serving tests/functions/echo, shared by the tests of this class."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.runtime = start_runtime(env={"MAX_REQUEST_BODY_BYTES": str(6 * MiB), "FUNCTION_TIMEOUT": "1"})

    @classmethod
    def tearDownClass(cls) -> None:
        cls.runtime.stop()

    def test_healthz_and_readyz_answer_200_on_the_platform_port_and_404_for_other_paths(self) -> None:
        self.assertEqual(self.runtime.platform("/healthz").status, 200)
        ready = self.runtime.platform("/readyz")
        self.assertEqual(ready.status, 200)
        self.assertEqual(ready.body, b"ready")
        self.assertEqual(self.runtime.platform("/echo").status, 404)

    def test_platform_paths_on_port_reach_the_function(self) -> None:
        # Issue #16: as in Knative, the platform takes none of the function's paths.
        for path in ("/healthz", "/readyz", "/metrics"):
            with self.subTest(path):
                reply = self.runtime.request(path=path)
                self.assertEqual(reply.status, 200)
                self.assertEqual(json.loads(reply.body)["path"], path)

    def test_startup_prints_one_line_with_the_load_time(self) -> None:
        eventually(lambda: self.runtime.stdout, what="the startup line")
        self.assertRegex(self.runtime.stdout, r"^serverless-runtime: main:handle loaded in \d+ ms, listening on "
                                              r"http://127\.0\.0\.1:\d+ \(\d+ ms after start\)\n$")

    def test_request_passes_method_path_query_headers_and_body(self) -> None:
        reply = self.runtime.request("PUT", "/some/path?a=1&a=2&b=x%20y&empty=", "héllo body".encode(),
                                     {"X-Test": "Hello", "Content-Type": "text/plain; charset=utf-8"})
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.headers["content-type"], "application/json")
        echo = json.loads(reply.body)
        self.assertEqual(echo["method"], "PUT")
        self.assertEqual(echo["path"], "/some/path")
        self.assertEqual(echo["query"], {"a": ["1", "2"], "b": ["x y"], "empty": [""]})
        self.assertEqual(echo["headers"]["x-test"], "Hello")
        self.assertEqual(echo["x_test_any_case"], "Hello")
        self.assertEqual(echo["body"], "héllo body")

    def test_keep_alive_connection_serves_several_requests(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.runtime.port, timeout=10)
        try:
            statuses = [exchange(conn, "GET", f"/k{i}").status for i in range(3)]
            sock = conn.sock
            statuses.append(exchange(conn, "POST", "/k3", b"x" * 1000).status)
            self.assertIs(conn.sock, sock, "the same connection was reused")
        finally:
            conn.close()
        self.assertEqual(statuses, [200, 200, 200, 200])

    def test_5_mib_body_arrives_intact(self) -> None:
        body = os.urandom(5 * MiB)
        reply = self.runtime.request("POST", "/digest", body, {"Content-Type": "application/octet-stream"})
        self.assertEqual(reply.status, 200)
        self.assertEqual(json.loads(reply.body), {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()})

    def test_declared_body_past_the_limit_is_413_and_the_connection_stays_usable(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.runtime.port, timeout=10)
        try:
            reply = exchange(conn, "POST", "/digest", b"\0" * (7 * MiB))
            self.assert_problem(reply, 413, r"7340032 bytes; this function accepts at most 6291456 bytes")
            self.assertEqual(exchange(conn, "GET", "/after-413").status, 200)
        finally:
            conn.close()

    def test_chunked_body_growing_past_the_limit_is_413(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.runtime.port, timeout=10)
        try:
            pieces = (b"\1" * (256 * 1024) for _ in range(32))  # 8 MiB
            conn.request("POST", "/digest", body=pieces, encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
            response = conn.getresponse()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            self.assert_problem(reply, 413, r"exceeds the limit of 6291456 bytes")
            self.assertEqual(exchange(conn, "GET", "/after-chunked-413").status, 200)
        finally:
            conn.close()

    def test_chunked_body_within_the_limit_is_read(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.runtime.port, timeout=10)
        try:
            conn.request("POST", "/digest", body=iter([b"abc", b"", b"defg"]), encode_chunked=True,
                         headers={"Transfer-Encoding": "chunked"})
            self.assertEqual(json.loads(conn.getresponse().read())["length"], 7)
        finally:
            conn.close()

    def test_too_large_body_announced_with_expect_100_continue_is_refused_before_it_is_sent(self) -> None:
        reply = raw_exchange(self.runtime.port, f"POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: {7 * MiB}\r\n"
                                                f"Expect: 100-continue\r\n\r\n".encode())
        self.assertRegex(reply, rb"^HTTP/1\.1 413 ")
        self.assertIn(b"Connection: close", reply)
        self.assertNotIn(b"100 Continue", reply)

    def test_expect_100_continue_gets_100_before_the_body(self) -> None:
        reply = raw_exchange(self.runtime.port, b"POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                                b"Expect: 100-continue\r\nConnection: close\r\n\r\nabc")
        self.assertRegex(reply, rb"^HTTP/1\.1 100 Continue\r\n\r\nHTTP/1\.1 200 ")

    def test_exception_is_500_problem_without_its_text_then_the_next_request_works(self) -> None:
        # Issue #14 item 19: the exception's text stays in the log, under the problem's instance id.
        reply = self.runtime.request(path="/throw")
        problem = self.assert_problem(reply, 500, r"^The function failed\.")
        self.assertEqual(problem["title"], "Internal Server Error")
        self.assertRegex(problem["instance"], r"^urn:uuid:[0-9a-f-]{36}$")
        self.assertNotIn(b"boom", reply.body)
        self.assertNotIn(b"Traceback", reply.body)
        eventually(lambda: f"({problem['instance']}): Traceback" in self.runtime.stderr and "ValueError: boom" in self.runtime.stderr,
                   what="the error logged to stderr under the instance id")
        self.assertEqual(self.runtime.request(path="/after-throw").status, 200)

    def test_system_exit_in_the_function_is_500_and_the_process_stays_up(self) -> None:
        self.assert_problem(self.runtime.request(path="/exit"), 500, r"^The function failed\.")
        self.assertIsNone(self.runtime.process.poll())
        self.assertEqual(self.runtime.request(path="/after-exit").status, 200)

    def test_sync_handler_past_the_timeout_is_504_then_the_next_request_works(self) -> None:
        self._assert_times_out("/hang")

    def test_awaitable_past_the_timeout_is_504(self) -> None:
        self._assert_times_out("/ahang")

    def _assert_times_out(self, path: str) -> None:
        started = time.perf_counter()
        reply = self.runtime.request(path=path)
        elapsed = time.perf_counter() - started
        self.assert_problem(reply, 504, r"did not answer within its timeout of 1 s")
        self.assertTrue(0.9 <= elapsed < 5, f"answered after {elapsed:.2f} s")
        self.assertEqual(self.runtime.request(path="/after-timeout").status, 200)

    def test_returned_response_dict_is_sent_as_is(self) -> None:
        reply = self.runtime.request(path="/response")
        self.assertEqual(reply.status, 201)
        self.assertEqual(reply.headers["x-custom"], "yes")
        self.assertEqual(reply.headers["location"], "/things/1")
        self.assertEqual(json.loads(reply.body), {"created": True})

    def test_returned_tuple_is_sent_as_is(self) -> None:
        reply = self.runtime.request(path="/tuple")
        self.assertEqual((reply.status, reply.headers["x-kind"], reply.headers["content-type"], reply.body),
                         (202, "tuple", "application/octet-stream", b"\x00\x01"))

    def test_returning_none_is_204(self) -> None:
        reply = self.runtime.request(path="/nothing")
        self.assertEqual((reply.status, reply.body), (204, b""))

    def test_head_gets_headers_without_body(self) -> None:
        reply = self.runtime.request("HEAD", "/anything")
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.body, b"")
        self.assertGreater(int(reply.headers["content-length"]), 0)

    def test_json_on_a_body_that_is_not_json_is_400(self) -> None:
        self.assert_problem(self.runtime.request("POST", "/json", b"{not json"), 400, r"not valid JSON")

    def test_binary_cloudevent_reaches_the_function_as_request_event(self) -> None:
        reply = self.runtime.request("POST", "/event", json.dumps({"x": 1}), {
            "ce-specversion": "1.0", "ce-id": "e-1", "ce-source": "/tests", "ce-type": "dev.serverless.test",
            "ce-subject": "caf%C3%A9", "ce-myext": "ext-value", "Content-Type": "application/json"})
        self.assertEqual(reply.status, 200)
        self.assertEqual(json.loads(reply.body)["event"], {
            "specversion": "1.0", "id": "e-1", "source": "/tests", "type": "dev.serverless.test", "subject": "café",
            "myext": "ext-value", "datacontenttype": "application/json", "data": {"x": 1}})

    def test_structured_cloudevent_reaches_the_function_as_request_event(self) -> None:
        event = {"specversion": "1.0", "id": "s-1", "source": "/tests", "type": "t", "datacontenttype": "application/json",
                 "data": {"y": [1, 2]}, "myext": "e"}
        reply = self.runtime.request("POST", "/event", json.dumps(event), {"Content-Type": "application/cloudevents+json; charset=utf-8"})
        self.assertEqual(reply.status, 200)
        self.assertEqual(json.loads(reply.body)["event"], event)

    def test_structured_data_base64_becomes_bytes(self) -> None:
        event = {"specversion": "1.0", "id": "b", "source": "/s", "type": "t", "data_base64": "AQID"}
        reply = self.runtime.request("POST", "/event", json.dumps(event), {"Content-Type": "application/cloudevents+json"})
        self.assertEqual(json.loads(reply.body)["event"]["data"], "AQID")

    def test_cloudevent_missing_a_required_attribute_is_400_naming_it(self) -> None:
        cases = [
            ("binary", "source", {"ce-specversion": "1.0", "ce-id": "1", "ce-type": "t"}, ""),
            ("binary", "id", {"ce-specversion": "1.0", "ce-source": "/s", "ce-type": "t"}, ""),
            ("structured", "type", {"Content-Type": "application/cloudevents+json"}, json.dumps({"specversion": "1.0", "id": "1", "source": "/s"})),
            ("structured", "specversion", {"Content-Type": "application/cloudevents+json"}, json.dumps({"id": "1", "source": "/s", "type": "t"})),
        ]
        for mode, missing, headers, body in cases:
            with self.subTest(mode=mode, missing=missing):
                reply = self.runtime.request("POST", "/event", body, headers)
                self.assert_problem(reply, 400, f'missing the required attribute "{missing}"')

    def test_cloudevent_of_another_specversion_is_400(self) -> None:
        reply = self.runtime.request("POST", "/event", None, {"ce-specversion": "0.3", "ce-id": "1", "ce-source": "/s", "ce-type": "t"})
        self.assert_problem(reply, 400, r'specversion "0\.3" is not supported')

    def test_returned_cloudevent_goes_back_in_binary_mode(self) -> None:
        reply = self.runtime.request("POST", "/reply", None, {"ce-specversion": "1.0", "ce-id": "in-7", "ce-source": "/s", "ce-type": "t"})
        self.assertEqual(reply.status, 200)
        h = reply.headers
        self.assertEqual((h["ce-specversion"], h["ce-id"], h["ce-source"], h["ce-type"], h["ce-myext"]),
                         ("1.0", "reply-1", "/tests/reply", "dev.serverless.reply", "x"))
        self.assertEqual(unquote(h["ce-subject"]), "ünïcode subject")
        self.assertEqual(h["content-type"], "application/json")
        self.assertEqual(json.loads(reply.body), {"received": "in-7"})

    def test_malformed_framing_is_400_and_closes_the_connection(self) -> None:
        reply = raw_exchange(self.runtime.port, b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        self.assertRegex(reply, rb"^HTTP/1\.1 400 ")
        self.assertIn(b"Connection: close", reply)


class DebugTest(ProblemAssertions):
    def test_function_debug_on_returns_the_exception_text(self) -> None:
        runtime = start_runtime(env={"FUNCTION_DEBUG": "1"})
        try:
            problem = self.assert_problem(runtime.request(path="/throw"), 500, r"^ValueError: boom$")
            self.assertRegex(problem["instance"], r"^urn:uuid:")
        finally:
            runtime.stop()


class MetricsTest(unittest.TestCase):
    def test_metrics_count_invocations_by_status_and_time_them_without_reserved_endpoints(self) -> None:
        runtime = start_runtime()
        try:
            for _ in range(3):
                self.assertEqual(runtime.request(path="/ok").status, 200)
            self.assertEqual(runtime.request(path="/throw").status, 500)
            for path in ("/healthz", "/readyz", "/metrics"):
                runtime.platform(path)
            reply = runtime.platform("/metrics")
        finally:
            runtime.stop()
        self.assertEqual(reply.status, 200)
        self.assertTrue(reply.headers["content-type"].startswith("text/plain; version=0.0.4"))
        samples, helps, types = parse_metrics(reply.body.decode())
        self.assertEqual(samples['serverless_runtime_requests_total{code="200"}'], 3)
        self.assertEqual(samples['serverless_runtime_requests_total{code="500"}'], 1)
        self.assertEqual(samples["serverless_runtime_in_flight"], 0)
        self.assertEqual(samples["serverless_runtime_request_duration_seconds_count"], 4)
        self.assertEqual(samples['serverless_runtime_request_duration_seconds_bucket{le="+Inf"}'], 4)
        self.assertEqual(samples['serverless_runtime_request_duration_seconds_bucket{le="10"}'], 4)
        self.assertIn('serverless_runtime_request_duration_seconds_bucket{le="0.005"}', samples)
        self.assertGreater(samples["serverless_runtime_request_duration_seconds_sum"], 0)
        self.assertEqual(types, {"serverless_runtime_requests_total": "counter", "serverless_runtime_in_flight": "gauge",
                                 "serverless_runtime_request_duration_seconds": "histogram"})
        self.assertEqual(helps, set(types))

    def test_every_series_is_labelled_with_namespace_function_and_revision(self) -> None:
        runtime = start_runtime(env={"FUNCTION_NAMESPACE": "team-a", "K_SERVICE": "hello", "K_CONFIGURATION": "hello", "K_REVISION": "abc"})
        try:
            self.assertEqual(runtime.request(path="/ok").status, 200)
            own = 'namespace="team-a",function="hello",revision="abc"'
            scraped: list[dict[str, float]] = []
            # Recorded once the answer is flushed, so possibly just after the client has it.
            eventually(lambda: scraped.append(parse_metrics(runtime.platform("/metrics").body.decode())[0])
                       or f"serverless_runtime_request_duration_seconds_count{{{own}}}" in scraped[-1], what="the invocation recorded")
            samples = scraped[-1]
        finally:
            runtime.stop()
        self.assertEqual(samples[f'serverless_runtime_requests_total{{{own},code="200"}}'], 1)
        self.assertEqual(samples[f"serverless_runtime_in_flight{{{own}}}"], 0)
        self.assertEqual(samples[f'serverless_runtime_request_duration_seconds_bucket{{{own},le="+Inf"}}'], 1)
        self.assertEqual(samples[f"serverless_runtime_request_duration_seconds_count{{{own}}}"], 1)


class ConcurrencyTest(ProblemAssertions):
    def test_past_the_limit_is_429_with_retry_after_at_once(self) -> None:
        runtime = start_runtime(env={"CONTAINER_CONCURRENCY": "1"})
        try:
            slow: list[Reply] = []
            worker = threading.Thread(target=lambda: slow.append(runtime.request(path="/slow?ms=1500")))
            worker.start()
            eventually(lambda: in_flight(runtime) == 1, what="one request in flight")
            started = time.perf_counter()
            refused = runtime.request(path="/echo")
            self.assertLess(time.perf_counter() - started, 1, "answered at once")
            self.assert_problem(refused, 429, r"concurrency limit of 1")
            self.assertEqual(refused.headers["retry-after"], "1")
            self.assertEqual(refused.headers["x-serverless-rejected"], "concurrency")
            worker.join(10)
            self.assertEqual(slow[0].status, 200)
            self.assertEqual(runtime.request(path="/echo").status, 200)
        finally:
            runtime.stop()


class SigtermTest(unittest.TestCase):
    def test_sigterm_turns_readiness_503_finishes_the_request_in_flight_and_exits_0(self) -> None:
        runtime = start_runtime()
        try:
            slow: list[Reply] = []
            worker = threading.Thread(target=lambda: slow.append(runtime.request(path="/slow?ms=1500")))
            worker.start()
            eventually(lambda: in_flight(runtime) == 1, what="one request in flight")
            runtime.process.send_signal(signal.SIGTERM)
            draining: list[Reply] = []
            eventually(lambda: draining.append(runtime.platform("/readyz")) or draining[-1].status == 503, what="readiness 503")
            self.assertEqual(draining[-1].body, b"draining")
            during = runtime.request(path="/echo")
            self.assertEqual((during.status, during.headers["connection"]), (200, "close"))
            worker.join(10)
            self.assertEqual((slow[0].status, slow[0].body), (200, b"slow done"))
            self.assertEqual(runtime.wait_exit(5), 0)
        finally:
            runtime.stop()

    def test_user_code_and_its_children_get_default_signal_mask_and_dispositions(self) -> None:
        # The runtime's own SIGTERM handling must not leak: a child of the function is stopped by terminate().
        runtime = start_runtime()
        try:
            reply = runtime.request(path="/child-signals")
            self.assertEqual(reply.status, 200, reply.body)
            seen = json.loads(reply.body)
            self.assertEqual(seen["handler"]["SigBlk"], "0000000000000000")
            self.assertEqual(seen["child"], {"SigBlk": "0000000000000000", "SigIgn": "0000000000000000"})
            self.assertEqual(seen["terminated"], -signal.SIGTERM)
            runtime.process.send_signal(signal.SIGTERM)
            self.assertEqual(runtime.wait_exit(5), 0)
        finally:
            runtime.stop()

    def test_sigterm_with_nothing_in_flight_exits_0_at_once(self) -> None:
        runtime = start_runtime()
        try:
            runtime.process.send_signal(signal.SIGTERM)
            self.assertEqual(runtime.wait_exit(3), 0)
        finally:
            runtime.stop()


class LoadingTest(unittest.TestCase):
    def _start_failing(self, **kwargs):
        runtime = start_runtime(wait_ready=False, **kwargs)
        try:
            code = runtime.wait_exit(10)
            # The pump threads may still be reading the last line.
            eventually(lambda: runtime.process.stderr.closed or runtime.stderr.endswith("\n"), what="stderr complete")
        finally:
            runtime.stop()
        return code, runtime

    def test_load_failure_exits_3_with_one_stderr_line(self) -> None:
        echo = os.path.join(FUNCTIONS, "echo")
        cases = [
            ("missing function", {"handler": "main:nope"},
             f'serverless-runtime: handler "main:nope": function "nope" not found in {echo}/main.py'),
            ("not callable", {"handler": "main:not_callable"},
             f'serverless-runtime: handler "main:not_callable": "not_callable" in {echo}/main.py is not callable (it is int)'),
            ("missing module", {"handler": "mian:handle"},
             f'serverless-runtime: handler "mian:handle": module "mian" not found in {echo}'),
            ("module outside FUNCTION_PATH", {"handler": "json:dumps"},
             r'^serverless-runtime: handler "json:dumps": module "json" resolves to \S+json/__init__\.py, outside FUNCTION_PATH \S+: rename the module$'),
            ("malformed HANDLER", {"handler": "main.handle"},
             'serverless-runtime: handler "main.handle": must be "module:function", such as "main:handle" or "pkg.module:handle"'),
            ("syntax error", {"function": "syntax_error"},
             r'^serverless-runtime: handler "main:handle": cannot import \S+syntax_error/main\.py: SyntaxError: .+ \(line 1\)$'),
            ("missing dependency", {"function": "broken_import"},
             r"^serverless-runtime: handler \"main:handle\": cannot import \S+broken_import/main\.py: ModuleNotFoundError: No module named 'a_dependency_that_is_not_installed'$"),
            ("missing FUNCTION_PATH", {"function": "no_such_function"},
             r'^serverless-runtime: handler "main:handle": FUNCTION_PATH "\S+no_such_function" is not a directory$'),
        ]
        for label, kwargs, expected in cases:
            with self.subTest(label):
                code, runtime = self._start_failing(**kwargs)
                self.assertEqual(code, 3, runtime.stderr)
                lines = runtime.stderr.splitlines()
                self.assertEqual(len(lines), 1, runtime.stderr)
                if expected.startswith("^"):
                    self.assertRegex(lines[0], expected)
                else:
                    self.assertEqual(lines[0], expected)
                self.assertEqual(runtime.stdout, "")

    def test_invalid_environment_exits_2_naming_key_value_and_range(self) -> None:
        code, runtime = self._start_failing(env={"FUNCTION_TIMEOUT": "soon", "CONTAINER_CONCURRENCY": "-1"})
        self.assertEqual(code, 2)
        self.assertIn('serverless-runtime: CONTAINER_CONCURRENCY = "-1", must be an integer in 0..2147483647\n', runtime.stderr)
        self.assertIn('serverless-runtime: FUNCTION_TIMEOUT = "soon", must be an integer in 1..86400\n', runtime.stderr)

    def test_handler_in_a_package_is_loaded(self) -> None:
        runtime = start_runtime(function="pkg_function", handler="app.handlers:handle")
        try:
            self.assertEqual(runtime.request().body, b"from a package")
        finally:
            runtime.stop()


class AsyncHandlerTest(ProblemAssertions):
    @classmethod
    def setUpClass(cls) -> None:
        cls.runtime = start_runtime(handler="async_main:handle", env={"FUNCTION_TIMEOUT": "1"})

    @classmethod
    def tearDownClass(cls) -> None:
        cls.runtime.stop()

    def test_async_handler_answers(self) -> None:
        reply = self.runtime.request("POST", "/?name=Ada")
        self.assertEqual((reply.status, reply.headers["content-type"], reply.body),
                         (200, "text/plain; charset=utf-8", b"async POST Ada"))

    def test_async_handler_is_cancelled_at_the_timeout(self) -> None:
        self.assert_problem(self.runtime.request(path="/hang"), 504, r"timeout of 1 s")
        self.assertEqual(self.runtime.request().status, 200)

    def test_async_handler_exception_is_500(self) -> None:
        self.assert_problem(self.runtime.request(path="/throw"), 500, r"^The function failed\.")


if __name__ == "__main__":
    unittest.main()


class ExamplesAndTemplatesTest(unittest.TestCase):
    REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    EVENT = {"ce-specversion": "1.0", "ce-id": "in-1", "ce-source": "/s", "ce-type": "order.created", "Content-Type": "application/json"}

    def _run(self, directory: str, check) -> None:
        with open(os.path.join(self.REPO, directory, "func.yaml"), encoding="utf-8") as f:
            yaml = f.read()
        self.assertRegex(yaml, r"(?m)^runtime: python$")
        self.assertRegex(yaml, r'(?m)^name: "\{\{name\}\}"$' if "templates" in directory else r"(?m)^name: hello-python$")
        handler = re.search(r"(?m)^handler: (\S+)$", yaml).group(1)
        runtime = start_runtime(function=os.path.join(self.REPO, directory), handler=handler)
        try:
            check(runtime)
        finally:
            runtime.stop()

    def test_hello_python_example(self) -> None:
        def check(runtime):
            self.assertEqual(runtime.request(path="/?name=Ada").body, b"Hello, Ada!")
            self.assertEqual(runtime.request().body, b"Hello, world!")
        self._run("examples/hello-python", check)

    def test_http_template(self) -> None:
        def check(runtime):
            self.assertEqual(runtime.request(path="/?name=Ada").body, b"Hello, Ada!")
            self.assertEqual(json.loads(runtime.request("POST", "/", b'{"a": 1}').body), {"received": {"a": 1}})
        self._run("runtimes/python/templates/http", check)

    def test_cloudevents_template(self) -> None:
        def check(runtime):
            reply = runtime.request("POST", "/", b'{"n": 1}', self.EVENT)
            self.assertEqual(reply.status, 200)
            self.assertEqual(reply.headers["ce-type"], "order.created.processed")
            self.assertRegex(reply.headers["ce-id"], r"^[0-9a-f-]{36}$")
            self.assertEqual(json.loads(reply.body), {"original": "in-1", "data": {"n": 1}})
            self.assertEqual(runtime.request().status, 400)
        self._run("runtimes/python/templates/cloudevents", check)
