"""Errors that escape the API's own handlers: Django's plain-text answers and crashes."""

from collections.abc import Callable
from http import HTTPStatus

import structlog
from django.http import HttpRequest, HttpResponse

from app.errors import CODE_FOR_STATUS, ErrorCode
from app.utils.responses import error_response

logger = structlog.get_logger(__name__)


class ErrorEnvelopeMiddleware:
    """Any error answer that is not JSON yet (Django's 405, its debug pages) becomes the
    envelope; an unhandled exception is logged with its stack trace and answered 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < HTTPStatus.BAD_REQUEST
            or response.get("Content-Type", "").startswith("application/json")
            or request.path.startswith("/admin/")
        ):
            return response
        status = response.status_code
        fallback = (
            ErrorCode.INTERNAL_ERROR
            if status >= HTTPStatus.INTERNAL_SERVER_ERROR
            else ErrorCode.BAD_REQUEST
        )
        headers = {}
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            allowed = [method.strip() for method in response.get("Allow", "").split(",")]
            if "GET" in allowed:
                allowed.append("HEAD")  # HeadMiddleware answers HEAD wherever GET is served
            headers["Allow"] = ", ".join(method for method in allowed if method)
        return error_response(
            status,
            CODE_FOR_STATUS.get(status, fallback),
            HTTPStatus(status).phrase,
            headers=headers,
        )

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse:
        """Log the crash; answer with no internals."""
        logger.exception("unhandled_error", method=request.method, path=request.path)
        return error_response(500, ErrorCode.INTERNAL_ERROR, "Internal server error")
