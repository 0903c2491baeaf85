"""One structured log line per request, and its metrics."""

import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import Metrics

logger = structlog.get_logger("app.access")


class AccessLogMiddleware:
    """Logs method, path, status, duration and client once the response is sent.

    With `metrics`, it also counts the request: one layer times both.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

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
            logger.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round(seconds * 1000, 2),
                client=client[0] if client else None,
            )
