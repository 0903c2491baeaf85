"""One structured log line per request."""

import time

import structlog
from flask import Flask, Response, g, request
from opentelemetry import trace

logger = structlog.get_logger("app.access")


def _start() -> None:
    g.started = time.perf_counter()


def _log(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    fields: dict[str, object] = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 2),
        "client": request.remote_addr,
    }
    span = trace.get_current_span().get_span_context()
    if span.is_valid:  # tracing on, and a traced path (probes and /metrics are not)
        fields["trace_id"] = f"{span.trace_id:032x}"
    logger.info("request", **fields)
    return response


def init_app(app: Flask) -> None:
    """Log method, path, status, duration, client (and trace id) once the response is ready."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_log)
