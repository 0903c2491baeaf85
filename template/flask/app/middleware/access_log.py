"""One structured log line per request."""

import time

import structlog
from flask import Flask, Response, g, request

logger = structlog.get_logger("app.access")


def _start() -> None:
    g.started = time.perf_counter()


def _log(response: Response) -> Response:
    logger.info(
        "request",
        method=request.method,
        path=request.path,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
        client=request.remote_addr,
    )
    return response


def init_app(app: Flask) -> None:
    """Log method, path, status, duration and client once the response is ready."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_log)
