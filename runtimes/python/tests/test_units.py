"""The pure modules, table-driven: no process, no socket."""

from __future__ import annotations

import io
import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from serverless_runtime import cloudevents as ce  # noqa: E402
from serverless_runtime.body import BodyReader, BodyTooLarge, CallerGone  # noqa: E402
from serverless_runtime.config import Config, parse_config  # noqa: E402
from serverless_runtime.invoker import HandlerTimeout, Invoker  # noqa: E402
from serverless_runtime.limiter import ConcurrencyLimiter  # noqa: E402
from serverless_runtime.loader import HandlerLoadError, LoadedHandler, is_coroutine_function, parse_handler_spec  # noqa: E402
from serverless_runtime.metrics import RuntimeMetrics  # noqa: E402
from serverless_runtime.request import Headers, Request, RequestError, split_target  # noqa: E402
from serverless_runtime.responses import problem, to_response  # noqa: E402
from serverless_runtime.text import quote  # noqa: E402


class ParseConfigTest(unittest.TestCase):
    def test_defaults(self) -> None:
        config, errors = parse_config({"PORT": "8080", "FUNCTION_PATH": "/fn"})
        self.assertEqual(errors, [])
        self.assertEqual(config, Config(port=8080, host="127.0.0.1", function_path="/fn", handler="main:handle",
                                        container_concurrency=0, timeout_seconds=300, max_request_body_bytes=33554432, log_level=3))

    def test_invalid_values_name_key_value_and_range(self) -> None:
        cases = [
            ("missing PORT", {"FUNCTION_PATH": "/fn"}, "PORT is required (an integer in 1..65535)"),
            ("PORT out of range", {"PORT": "70000", "FUNCTION_PATH": "/fn"}, 'PORT = "70000", must be an integer in 1..65535'),
            ("non-ASCII digits", {"PORT": "٣", "FUNCTION_PATH": "/fn"}, 'PORT = "٣", must be an integer in 1..65535'),
            ("missing FUNCTION_PATH", {"PORT": "1"}, "FUNCTION_PATH is required (the directory holding the function's source)"),
            ("HOST shorthand", {"PORT": "1", "FUNCTION_PATH": "/f", "HOST": "1"},
             'HOST = "1", must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or localhost'),
            ("zero timeout", {"PORT": "1", "FUNCTION_PATH": "/f", "FUNCTION_TIMEOUT": "0"}, 'FUNCTION_TIMEOUT = "0", must be an integer in 1..86400'),
            ("unknown LOG_LEVEL", {"PORT": "1", "FUNCTION_PATH": "/f", "LOG_LEVEL": "loud"},
             'LOG_LEVEL = "loud", must be one of trace, debug, information, warning, error, critical, none'),
            ("control character", {"PORT": "1\n2", "FUNCTION_PATH": "/f"}, 'PORT = "1\\u000a2", must be an integer in 1..65535'),
            ("PLATFORM_PORT out of range", {"PORT": "1", "FUNCTION_PATH": "/f", "PLATFORM_PORT": "0"}, 'PLATFORM_PORT = "0", must be an integer in 1..65535'),
            ("PLATFORM_PORT equal to PORT", {"PORT": "1", "FUNCTION_PATH": "/f", "PLATFORM_PORT": "1"}, 'PLATFORM_PORT = "1", must differ from PORT'),
        ]
        for label, env, error in cases:
            with self.subTest(label):
                config, errors = parse_config(env)
                self.assertIsNone(config)
                self.assertEqual(errors, [error])

    def test_platform_port_and_identity_labels_leave_blank_ones_out(self) -> None:
        config, errors = parse_config({"PORT": "1", "FUNCTION_PATH": "/f", "PLATFORM_PORT": "9091",
                                       "K_SERVICE": "hello", "K_REVISION": "abc", "FUNCTION_NAMESPACE": " "})
        self.assertEqual(errors, [])
        self.assertEqual(config.platform_port, 9091)
        self.assertEqual(config.metric_labels, (("function", "hello"), ("revision", "abc")))

    def test_localhost_ipv6_and_handler(self) -> None:
        self.assertEqual(parse_config({"PORT": "1", "FUNCTION_PATH": "/f", "HOST": "localhost"})[0].host, "127.0.0.1")
        self.assertEqual(parse_config({"PORT": "1", "FUNCTION_PATH": "/f", "HOST": "::"})[0].host, "::")
        self.assertEqual(parse_config({"PORT": "1", "FUNCTION_PATH": "/f", "HANDLER": "pkg.mod:fn"})[0].handler, "pkg.mod:fn")


class HandlerSpecTest(unittest.TestCase):
    def test_valid_specs(self) -> None:
        for spec, expected in [("main:handle", ("main", "handle")), ("pkg.sub.mod:_h1", ("pkg.sub.mod", "_h1"))]:
            with self.subTest(spec):
                self.assertEqual(parse_handler_spec(spec), expected)

    def test_invalid_specs(self) -> None:
        for spec in ["main", "main:", ":handle", "main.py:handle", "../x:handle", "main:handle.attr", "1main:h"]:
            with self.subTest(spec):
                with self.assertRaises(HandlerLoadError):
                    parse_handler_spec(spec)

    def test_coroutine_functions_are_recognized(self) -> None:
        async def a(request): ...

        def s(request): ...

        class C:
            async def m(self, request): ...

        self.assertEqual([is_coroutine_function(f) for f in (a, s, C().m, print)], [True, False, True, False])


class CloudEventsTest(unittest.TestCase):
    def test_modes(self) -> None:
        self.assertEqual(ce.event_mode(Headers([("CE-SpecVersion", "1.0")])), "binary")
        self.assertEqual(ce.event_mode(Headers([("Content-Type", "Application/CloudEvents+JSON; charset=utf-8")])), "structured")
        self.assertIsNone(ce.event_mode(Headers([("Content-Type", "application/cloudevents-batch+json")])))
        self.assertIsNone(ce.event_mode(Headers([("Content-Type", "application/json")])))

    def test_binary_data_decoding(self) -> None:
        cases = [
            ("application/json", b'{"a":1}', {"a": 1}),
            ("application/vnd.x+json", b"[1]", [1]),
            ("text/plain; charset=utf-8", b"hi", "hi"),
            ("application/octet-stream", b"\x01", b"\x01"),
            ("application/json", b"", None),
        ]
        for content_type, body, data in cases:
            with self.subTest(content_type):
                headers = Headers([("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-source", "/s"), ("ce-type", "t"), ("content-type", content_type)])
                self.assertEqual(ce.parse_event("binary", headers, body)["data"], data)

    def test_binary_data_that_is_not_the_json_it_claims(self) -> None:
        headers = Headers([("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-source", "/s"), ("ce-type", "t"), ("content-type", "application/json")])
        with self.assertRaisesRegex(ce.EventError, "not valid JSON"):
            ce.parse_event("binary", headers, b"{")

    def test_invalid_structured_events(self) -> None:
        cases = [
            (b"[]", "The structured CloudEvent must be a JSON object"),
            (b"{", "not valid JSON"),
            (b'{"specversion":"1.0","id":"1","source":"/s","type":""}', 'missing the required attribute "type"'),
            (b'{"specversion":"1.0","id":5,"source":"/s","type":"t"}', 'The CloudEvent attribute "id" must be a string'),
            (b'{"specversion":"1.0","id":"1","source":"/s","type":"t","data_base64":"!!"}', "not valid base64"),
        ]
        for body, error in cases:
            with self.subTest(body):
                with self.assertRaisesRegex(ce.EventError, error):
                    ce.parse_event("structured", Headers([]), body)

    def test_returned_event_rule(self) -> None:
        self.assertTrue(ce.is_event({"specversion": "1.0"}))
        self.assertFalse(ce.is_event({"type": "t"}))
        self.assertFalse(ce.is_event([{"specversion": "1.0"}]))

    def test_returned_event_to_binary_response(self) -> None:
        status, headers, body = ce.to_binary_response(
            {"specversion": "1.0", "source": "/s", "type": "t", "subject": 'a b"%é', "count": 3, "flag": True, "data": "text"},
            lambda: "generated")
        self.assertEqual(status, 200)
        self.assertEqual(headers, [("ce-id", "generated"), ("ce-specversion", "1.0"), ("ce-source", "/s"), ("ce-type", "t"),
                                   ("ce-subject", "a%20b%22%25%C3%A9"), ("ce-count", "3"), ("ce-flag", "true"),
                                   ("content-type", "text/plain; charset=utf-8")])
        self.assertEqual(body, b"text")

    def test_invalid_returned_events(self) -> None:
        cases = [
            ({"specversion": "0.3", "source": "/s", "type": "t"}, "specversion '0.3'"),
            ({"specversion": "1.0", "type": "t"}, 'missing the required attribute "source"'),
            ({"specversion": "1.0", "source": "/s", "type": "t", "MyExt": 1}, "invalid attribute name 'MyExt'"),
            ({"specversion": "1.0", "source": "/s", "type": "t", "datacontenttype": "text/plain\r\nX-Evil: 1"}, "CR, LF or NUL"),
        ]
        for event, error in cases:
            with self.subTest(error):
                with self.assertRaisesRegex(ValueError, error):
                    ce.to_binary_response(event, lambda: "id")

    def test_header_encoding_round_trips(self) -> None:
        for value in ["plain", "with space", "100%", 'quote"d', "ünïcode ✓"]:
            with self.subTest(value):
                self.assertEqual(ce.percent_decode(ce.percent_encode(value)), value)
        self.assertEqual(ce.percent_decode("%E0%A4%A"), "%E0%A4%A")


class ToResponseTest(unittest.TestCase):
    def test_result_rules(self) -> None:
        cases = [
            ("str", "hi", 200, "text/plain; charset=utf-8", b"hi"),
            ("bytes", b"b", 200, "application/octet-stream", b"b"),
            ("bytearray", bytearray(b"A"), 200, "application/octet-stream", b"A"),
            ("dict", {"a": 1}, 200, "application/json", b'{"a": 1}'),
            ("list", [1], 200, "application/json", b"[1]"),
            ("dict with status and other keys", {"status": 3, "reason": "x"}, 200, "application/json", b'{"status": 3, "reason": "x"}'),
            ("response dict", {"status": 202, "body": "queued"}, 202, "text/plain; charset=utf-8", b"queued"),
            ("tuple", (201, {"Content-Type": "text/html"}, "<p>"), 201, "text/html", b"<p>"),
            ("tuple with header list", (200, [("X-A", "1"), ("X-A", "2")], None), 200, None, b""),
            ("None", None, 204, None, b""),
        ]
        for label, result, status, content_type, body in cases:
            with self.subTest(label):
                response = to_response(result)
                self.assertEqual((response.status, response.header("content-type"), response.body), (status, content_type, body))

    def test_framing_headers_are_dropped_and_repeated_ones_kept(self) -> None:
        response = to_response((200, {"Content-Length": "1", "Connection": "close", "X-A": ["1", "2"]}, "abc"))
        self.assertEqual(response.headers, [("X-A", "1"), ("X-A", "2"), ("Content-Type", "text/plain; charset=utf-8")])

    def test_unsendable_results_raise(self) -> None:
        cases = [
            ("invalid status", (99, None, None), ValueError),
            ("bool status", (True, None, None), ValueError),
            ("two-item tuple", ("body", 200), ValueError),
            ("CR/LF in a header", (200, {"X-A": "a\r\nB: c"}, None), ValueError),
            ("invalid header name", (200, {"X A": "1"}, None), ValueError),
            ("not JSON", {1, 2}, TypeError),
        ]
        for label, result, error in cases:
            with self.subTest(label):
                with self.assertRaises(error):
                    to_response(result)

    def test_problem_bodies(self) -> None:
        response = problem(413, "too big", [("Retry-After", "1")])
        self.assertEqual(response.header("content-type"), "application/problem+json")
        self.assertEqual(response.header("retry-after"), "1")
        self.assertEqual(json.loads(response.body), {"title": "Payload Too Large", "status": 413, "detail": "too big"})


class RequestTest(unittest.TestCase):
    def test_split_target(self) -> None:
        for target, expected in [("/a/b?x=1", ("/a/b", "x=1")), ("//double", ("//double", "")),
                                 ("http://host:1/p?q", ("/p", "q")), ("*", ("*", ""))]:
            with self.subTest(target):
                self.assertEqual(split_target(target), expected)

    def test_headers_are_case_insensitive_and_join_repeats(self) -> None:
        headers = Headers([("X-A", "1"), ("x-a", "2"), ("Content-Type", "text/plain")])
        self.assertEqual((headers["x-a"], headers["X-A"], headers.get("CONTENT-TYPE")), ("1, 2", "1, 2", "text/plain"))
        self.assertIn("content-TYPE", headers)
        self.assertEqual(list(headers), ["x-a", "content-type"])

    def test_text_uses_the_declared_charset(self) -> None:
        request = Request("POST", "/", Headers([("Content-Type", "text/plain; charset=latin-1")]), "é".encode("latin-1"), None)
        self.assertEqual(request.text(), "é")
        unknown = Request("POST", "/", Headers([("Content-Type", "text/plain; charset=nope")]), "é".encode(), None)
        self.assertEqual(unknown.text(), "é")

    def test_json_on_invalid_body_is_a_400_request_error(self) -> None:
        with self.assertRaises(RequestError) as caught:
            Request("POST", "/", Headers([]), b"{", None).json()
        self.assertEqual(caught.exception.status, 400)


class BodyReaderTest(unittest.TestCase):
    def reader(self, data: bytes, te=None, lengths=(), expect=False, sent=None):
        return BodyReader(io.BufferedReader(io.BytesIO(data)), te, list(lengths), expect,
                          lambda: sent.append("100") if sent is not None else None)

    def test_content_length(self) -> None:
        self.assertEqual(self.reader(b"abcdef", lengths=["3"]).read_all(10), b"abc")

    def test_chunked_with_extensions_and_trailers(self) -> None:
        data = b"3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nTrailer: x\r\n\r\nNEXT"
        self.assertEqual(self.reader(data, te="chunked").read_all(100), b"abcdefg")

    def test_chunked_past_the_limit_raises_then_discards_the_rest(self) -> None:
        stream = io.BufferedReader(io.BytesIO(b"4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\nNEXT"))
        reader = BodyReader(stream, "chunked", [], False, lambda: None)
        with self.assertRaises(BodyTooLarge):
            reader.read_all(5)
        self.assertTrue(reader.discard(100))
        self.assertEqual(stream.read(), b"NEXT")

    def test_discard_gives_up_past_its_limit(self) -> None:
        self.assertFalse(self.reader(b"x" * 100, lengths=["100"]).discard(10))

    def test_truncated_bodies_mean_the_caller_is_gone(self) -> None:
        for label, kwargs in [("content-length", {"lengths": ["10"]}), ("chunked", {"te": "chunked"})]:
            with self.subTest(label):
                with self.assertRaises(CallerGone):
                    self.reader(b"5\r\nab", **kwargs).read_all(100)

    def test_untrustworthy_framing_is_a_400(self) -> None:
        cases = [
            ("both", {"te": "chunked", "lengths": ["3"]}),
            ("gzip", {"te": "gzip"}),
            ("conflicting lengths", {"lengths": ["3", "4"]}),
            ("negative length", {"lengths": ["-1"]}),
        ]
        for label, kwargs in cases:
            with self.subTest(label):
                with self.assertRaises(RequestError):
                    self.reader(b"", **kwargs)
        with self.assertRaises(RequestError):
            self.reader(b"zz\r\n", te="chunked").read_all(10)

    def test_100_continue_is_sent_on_the_first_read_only(self) -> None:
        sent: list[str] = []
        reader = self.reader(b"abc", lengths=["3"], expect=True, sent=sent)
        self.assertEqual(sent, [])
        self.assertEqual(reader.read_all(10), b"abc")
        self.assertEqual(sent, ["100"])

    def test_a_refused_body_awaiting_100_continue_cannot_be_discarded(self) -> None:
        self.assertFalse(self.reader(b"", lengths=["3"], expect=True).discard(100))


class LimiterTest(unittest.TestCase):
    def test_admits_up_to_the_limit_and_waits_for_idle(self) -> None:
        limiter = ConcurrencyLimiter(2)
        self.assertEqual([limiter.try_acquire() for _ in range(3)], [True, True, False])
        self.assertFalse(limiter.wait_idle(0.01))
        threading.Timer(0.05, lambda: (limiter.release(), limiter.release())).start()
        self.assertTrue(limiter.wait_idle(5))
        with self.assertRaises(RuntimeError):
            limiter.release()

    def test_zero_is_unlimited(self) -> None:
        limiter = ConcurrencyLimiter(0)
        self.assertTrue(all(limiter.try_acquire() for _ in range(1000)))
        self.assertEqual(limiter.in_flight, 1000)


class MetricsTest(unittest.TestCase):
    def test_buckets_are_cumulative_and_labels_formatted_as_the_other_runtimes(self) -> None:
        metrics = RuntimeMetrics(ConcurrencyLimiter(0))
        for status, seconds in [(200, 0.004), (200, 0.3), (504, 12)]:
            metrics.record(status, seconds)
        lines = metrics.render().splitlines()
        for line in [
            'serverless_runtime_requests_total{code="200"} 2',
            'serverless_runtime_requests_total{code="504"} 1',
            "serverless_runtime_in_flight 0",
            'serverless_runtime_request_duration_seconds_bucket{le="0.005"} 1',
            'serverless_runtime_request_duration_seconds_bucket{le="0.5"} 2',
            'serverless_runtime_request_duration_seconds_bucket{le="1"} 2',
            'serverless_runtime_request_duration_seconds_bucket{le="10"} 2',
            'serverless_runtime_request_duration_seconds_bucket{le="+Inf"} 3',
            "serverless_runtime_request_duration_seconds_count 3",
        ]:
            self.assertIn(line, lines)


class InvokerTest(unittest.TestCase):
    def invoker(self, fn, timeout: float = 5, late=None) -> Invoker:
        return Invoker(LoadedHandler("t", fn, is_coroutine_function(fn)), timeout, late or (lambda e: None))

    def test_sync_async_and_returned_awaitables(self) -> None:
        async def a(request):
            return f"async {request}"

        self.assertEqual(self.invoker(lambda r: f"sync {r}").invoke(1), "sync 1")
        self.assertEqual(self.invoker(a).invoke(2), "async 2")
        self.assertEqual(self.invoker(lambda r: a(r)).invoke(3), "async 3")

    def test_exceptions_reach_the_caller(self) -> None:
        def fail(request):
            raise TimeoutError("the function's own timeout, not the runtime's")

        with self.assertRaisesRegex(TimeoutError, "function's own"):
            self.invoker(fail).invoke(None)

    def test_a_late_failure_is_reported(self) -> None:
        release = threading.Event()
        late: list[BaseException] = []
        reported = threading.Event()

        def slow(request):
            release.wait(5)
            raise ValueError("late")

        invoker = self.invoker(slow, timeout=0.05, late=lambda e: (late.append(e), reported.set()))
        with self.assertRaises(HandlerTimeout):
            invoker.invoke(None)
        release.set()
        self.assertTrue(reported.wait(5))
        self.assertIsInstance(late[0], ValueError)


class QuoteTest(unittest.TestCase):
    def test_escapes_control_characters_and_cuts_long_values(self) -> None:
        self.assertEqual(quote('a"b\\c\nd'), '"a\\"b\\\\c\\u000ad"')
        self.assertEqual(quote("x" * 250), '"' + "x" * 200 + '"...')


if __name__ == "__main__":
    unittest.main()
