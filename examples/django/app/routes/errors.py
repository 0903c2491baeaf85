"""The one place that renders every error into the envelope: the API's exceptions,
Django Ninja's validation errors and Django's own 400/403/404/500 views."""

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from app.errors import CODE_FOR_STATUS, ApplicationError, ErrorCode
from app.utils.responses import error_response

_LOCATIONS = frozenset({"query", "path", "header", "cookie"})
# A bearer API names its scheme on every 401 (RFC 6750, section 3).
_BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _field_name(location: Sequence[int | str]) -> str:
    parts = [str(part) for part in location]
    if parts[:1] == ["body"]:
        parts = parts[2:] or parts[1:]  # ["body", <parameter>, field...]
    elif len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts)


def validation_details(errors: Sequence[Any]) -> dict[str, str]:
    """`{field: message}`, the first message for each bad field."""
    details: dict[str, str] = {}
    for error in errors:
        details.setdefault(_field_name(error["loc"]), error["msg"])
    return details


def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    headers = _BEARER_CHALLENGE if exc.status_code == HTTPStatus.UNAUTHORIZED else None
    return error_response(
        exc.status_code, exc.code, exc.message, details=exc.details, headers=headers
    )


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    fallback = (
        ErrorCode.INTERNAL_ERROR
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR
        else ErrorCode.BAD_REQUEST
    )
    code = CODE_FOR_STATUS.get(status, fallback)
    if status == HTTPStatus.BAD_REQUEST:
        return error_response(status, code, "Request body is not valid JSON")
    if status == HTTPStatus.UNAUTHORIZED:
        message = "Not authenticated: send `Authorization: Bearer <token>`"
        return error_response(status, code, message, headers=_BEARER_CHALLENGE)
    return error_response(status, code, HTTPStatus(status).phrase)


def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(
        422,
        ErrorCode.VALIDATION_ERROR,
        "Request validation failed",
        details=validation_details(exc.errors),
    )


def _model_validation_error(request: HttpRequest, exc: ModelValidationError) -> HttpResponse:
    details = {field: messages[0] for field, messages in exc.message_dict.items()}
    return error_response(
        422, ErrorCode.VALIDATION_ERROR, "Request validation failed", details=details
    )


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, ErrorCode.NOT_FOUND, "Not found")


def register_exception_handlers(api: NinjaAPI) -> None:
    """Answer every exception the API knows in the envelope (the rest become a 500)."""
    api.add_exception_handler(ApplicationError, _application_error)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, _http_error)  # type: ignore[arg-type]
    api.add_exception_handler(ValidationError, _validation_error)  # type: ignore[arg-type]
    api.add_exception_handler(ModelValidationError, _model_validation_error)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, _not_found)  # type: ignore[arg-type]


# Django's own error views (config/urls.py names them), for what never reaches the API.


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (e.g. a request it cannot parse)."""
    return error_response(400, ErrorCode.BAD_REQUEST, "Bad request")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 403."""
    return error_response(403, ErrorCode.FORBIDDEN, "Forbidden")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404: no route matches the path."""
    return error_response(404, ErrorCode.NOT_FOUND, "Not found")


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500: no internals in the answer (the stack trace is in the log)."""
    return error_response(500, ErrorCode.INTERNAL_ERROR, "Internal server error")
