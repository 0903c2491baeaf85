"""One structured log line per request."""

import time
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse
from opentelemetry import trace

logger = structlog.get_logger("app.access")


class AccessLogMiddleware:
    """Logs method, path, status, duration, client (and trace id) once the response is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            fields: dict[str, object] = {
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "client": request.META.get("REMOTE_ADDR"),
            }
            span = trace.get_current_span().get_span_context()
            if span.is_valid:  # tracing on, and a traced path (probes and /metrics are not)
                fields["trace_id"] = f"{span.trace_id:032x}"
            logger.info("request", **fields)
