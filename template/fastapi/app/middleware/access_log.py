"""One structured log line per request, and its metrics."""

import time

import structlog
from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import Metrics

logger = structlog.get_logger("app.access")


class AccessLogMiddleware:
    """Logs method, path, status, duration and client once the response is sent.

    With `metrics`, it also counts the request: one layer times both. With `tracing`,
    the line carries the trace id of the request's span.
    """

    def __init__(
        self, app: ASGIApp, *, metrics: Metrics | None = None, tracing: bool = False
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.tracing = tracing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_capturing_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_capturing_status)
        finally:
            seconds = time.perf_counter() - started
            if self.metrics is not None:
                self.metrics.observe(scope, status, seconds)
            client = scope.get("client")
            fields: dict[str, object] = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "client": client[0] if client else None,
            }
            if self.tracing:
                span = trace.get_current_span().get_span_context()
                if span.is_valid:  # untraced paths (probes, /metrics) have no span
                    fields["trace_id"] = f"{span.trace_id:032x}"
            logger.info("request", **fields)
