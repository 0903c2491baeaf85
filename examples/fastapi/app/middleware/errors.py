"""The one place that renders every error, the framework's own included, into the envelope."""

from collections.abc import Callable, Coroutine, Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import CODE_FOR_STATUS, AppError, ErrorCode
from app.utils.responses import error_response

logger = structlog.get_logger(__name__)

_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _field_name(location: Sequence[int | str]) -> str:
    parts = [str(part) for part in location]
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts)


def _validation_details(errors: Sequence[Any]) -> dict[str, str]:
    details: dict[str, str] = {}
    for error in errors:
        details.setdefault(_field_name(error["loc"]), error["msg"])
    return details


# A bearer API names its scheme on every 401 (RFC 6750, section 3).
_BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


async def _app_error(_request: Request, exc: AppError) -> Response:
    headers = _BEARER_CHALLENGE if exc.status_code == HTTPStatus.UNAUTHORIZED else None
    return error_response(
        exc.status_code, exc.code, exc.message, details=exc.details, headers=headers
    )


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at the requested path."""

    def served(method: str) -> bool:
        # HeadMiddleware answers HEAD wherever a GET route matches.
        scope = {**request.scope, "method": "GET" if method == "HEAD" else method}
        return any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes)

    return ", ".join(filter(served, HTTP_METHODS))


async def _http_error(request: Request, exc: HTTPException) -> Response:
    fallback = ErrorCode.INTERNAL_ERROR if exc.status_code >= 500 else ErrorCode.BAD_REQUEST  # noqa: PLR2004
    code = CODE_FOR_STATUS.get(exc.status_code, fallback)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    headers = exc.headers
    if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        # Starlette names only the first route matching the path; a path served by
        # several routes (GET, PATCH, DELETE) must list them all.
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return error_response(exc.status_code, code, message, headers=headers)


async def _validation_error(_request: Request, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    if any(error["type"] == "json_invalid" for error in errors):
        return error_response(400, ErrorCode.BAD_REQUEST, "Request body is not valid JSON")
    return error_response(
        422,
        ErrorCode.VALIDATION_ERROR,
        "Request validation failed",
        details=_validation_details(errors),
    )


# Passed to `FastAPI(exception_handlers=...)`.
EXCEPTION_HANDLERS: dict[
    int | type[Exception], Callable[[Request, Any], Coroutine[Any, Any, Response]]
] = {
    AppError: _app_error,
    HTTPException: _http_error,
    RequestValidationError: _validation_error,
}


class UnhandledErrorMiddleware:
    """Any other exception: log it with its stack trace, answer 500 with no internals.

    Starlette's own handler for `Exception` sits outside every user middleware, so its
    responses would miss the request id and security headers; this one sits inside them.
    """

    def __init__(self, app: ASGIApp, *, debug: bool) -> None:
        self.app = app
        self.debug = debug  # DEBUG (never in production) names the exception in the body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracking(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as exc:
            logger.exception("unhandled_error", method=scope["method"], path=scope["path"])
            if response_started:
                raise
            details = {"exception": repr(exc)} if self.debug else None
            response = error_response(
                500, ErrorCode.INTERNAL_ERROR, "Internal server error", details=details
            )
            await response(scope, receive, send)
