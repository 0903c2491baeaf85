"""The one place that renders every error, Flask's, werkzeug's and the OpenAPI library's
own included, into the envelope."""

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, NoReturn

import structlog
from flask import Flask, Response, current_app, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from app.errors import CODE_FOR_STATUS, AppError, ErrorCode, RequestValidationError
from app.utils.responses import error_response

logger = structlog.get_logger(__name__)

_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def _field_name(location: Sequence[int | str]) -> str:
    parts = [str(part) for part in location]
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_failed(exc: ValidationError) -> NoReturn:
    """flask-openapi3's validation callback: a 422 envelope naming each bad field."""
    details: dict[str, Any] = {}
    for error in exc.errors(include_url=False):
        details.setdefault(_field_name(error["loc"]), error["msg"])
    raise RequestValidationError(details=details)


# A bearer API names its scheme on every 401 (RFC 6750, section 3).
_BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _app_error(exc: AppError) -> Response:
    headers = dict(exc.headers)
    if exc.status_code == HTTPStatus.UNAUTHORIZED:
        headers |= _BEARER_CHALLENGE
    return error_response(
        exc.status_code, exc.code, exc.message, details=exc.details, headers=headers
    )


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or HTTPStatus.INTERNAL_SERVER_ERROR
    fallback = ErrorCode.INTERNAL_ERROR if status >= 500 else ErrorCode.BAD_REQUEST  # noqa: PLR2004
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        # OPTIONS is answered for CORS preflights only; it is no method of the resource.
        headers["Allow"] = ", ".join(sorted(set(exc.valid_methods) - {"OPTIONS"}))
    message = HTTPStatus(status).phrase
    if status == HTTPStatus.BAD_REQUEST and request.is_json:
        message = "Request body is not valid JSON"
    return error_response(status, CODE_FOR_STATUS.get(status, fallback), message, headers=headers)


def _unhandled_error(exc: Exception) -> Response:
    # The stack trace goes to the log, never to the client.
    logger.exception("unhandled_error", method=request.method, path=request.path)
    details = {"exception": repr(exc)} if current_app.debug else None
    return error_response(500, ErrorCode.INTERNAL_ERROR, "Internal server error", details=details)


def register_error_handlers(app: Flask) -> None:
    """Route every exception a request can raise into the error envelope."""
    app.register_error_handler(AppError, _app_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unhandled_error)
