"""The function call of one invocation, apart from HTTP framing: request in, Response out."""

from __future__ import annotations

import traceback

from .cloudevents import is_event, to_binary_response
from .config import Config
from .invoker import HandlerTimeout, Invoker
from .limiter import ConcurrencyLimiter
from .loader import LoadedHandler, type_name
from .log import Logger
from .metrics import RuntimeMetrics
from .readiness import Readiness
from .request import Request, RequestError
from .responses import Response, problem, to_response


class RuntimeApp:
    """Everything the connection threads share: settings, the function, the limiter, metrics and readiness."""

    def __init__(self, config: Config, handler: LoadedHandler | None, log: Logger) -> None:
        """``handler`` None: generic mode (specialize.py); every invocation is answered 503 until specialize()."""
        self.config = config
        self.handler = handler
        self.log = log
        self.limiter = ConcurrencyLimiter(config.container_concurrency)
        self.metrics = RuntimeMetrics(self.limiter, config.metric_labels)
        self.readiness = Readiness()
        self.invoker = Invoker(handler, config.timeout_seconds, self._late_failure) if handler is not None else None

    def specialize(self, config: Config, handler: LoadedHandler) -> None:
        """Serves ``handler`` from now on, under the function's settings. Called once, before any invocation was admitted."""
        self.limiter = ConcurrencyLimiter(config.container_concurrency)
        self.metrics = RuntimeMetrics(self.limiter, config.metric_labels)
        self.invoker = Invoker(handler, config.timeout_seconds, self._late_failure)
        self.config = config
        # Last: a request thread that sees the handler sees everything it needs.
        self.handler = handler
        self.readiness.mark_ready()

    def call_function(self, request: Request) -> Response:
        """Runs the function; its result as a Response, or a problem for a timeout (504) or a failure (500)."""
        name = self.handler.name
        try:
            result = self.invoker.invoke(request)
        except HandlerTimeout:
            self.log.warning(f"handler {name} did not answer within FUNCTION_TIMEOUT {self.config.timeout_seconds} s; "
                             "answered 504, it may still be running")
            return problem(504, f"The function did not answer within its timeout of {self.config.timeout_seconds} s.")
        except RequestError as e:
            return problem(e.status, str(e))
        except BaseException as e:  # noqa: BLE001 - whatever the function raises (SystemExit included) is a 500, never a crash
            # The error's text stays in the log unless the function opts in (FUNCTION_DEBUG): a message can carry what
            # the caller must not see. The caller gets the id to find it by.
            instance = _new_instance()
            self.log.error(f"handler {name} failed ({instance}): {''.join(traceback.format_exception(e)).rstrip()}")
            detail = f"{type_name(e)}: {e}" if self.config.debug else HANDLER_FAILED_DETAIL
            return problem(500, detail, instance=instance)
        try:
            if is_event(result):
                status, headers, body = to_binary_response(result, _new_event_id)
                return Response(status, headers, body)
            return to_response(result)
        except Exception as e:  # noqa: BLE001 - json.dumps and str() run the function's own code
            self.log.error(f"handler {name} returned a value that cannot be sent: {type_name(e)}: {e}")
            return problem(500, f"{type_name(e)}: {e}")

    def _late_failure(self, error: BaseException) -> None:
        self.log.warning(f"handler {self.handler.name} failed after its timeout: {type_name(error)}: {error}")


HANDLER_FAILED_DETAIL = "The function failed. Its log has the error under this problem's instance."


def _new_instance() -> str:
    import uuid  # noqa: PLC0415 - ~10 ms of cold start, needed only once a handler failed

    return f"urn:uuid:{uuid.uuid4()}"


def _new_event_id() -> str:
    import uuid  # noqa: PLC0415 - ~10 ms of cold start, needed only for an event returned without an id

    return str(uuid.uuid4())
