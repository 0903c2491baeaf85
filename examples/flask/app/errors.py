"""The application's error classes; each carries its envelope code and HTTP status."""

from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    """The `error.code` values of the response envelope."""

    BAD_REQUEST = "BAD_REQUEST"
    UNAUTHORIZED = "UNAUTHORIZED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


# The code for each status the framework itself may raise (404, 405, ...).
CODE_FOR_STATUS: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.RATE_LIMITED,
    500: ErrorCode.INTERNAL_ERROR,
    503: ErrorCode.SERVICE_UNAVAILABLE,
}


class AppError(Exception):
    """Base of every error the services raise; rendered into the error envelope."""

    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL_ERROR
    status_code: ClassVar[int] = 500
    default_message: ClassVar[str] = "Internal server error"

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = message or self.default_message
        self.details = details
        self.headers: dict[str, str] = {}
        super().__init__(self.message)


class BadRequestError(AppError):
    """The request is malformed."""

    code = ErrorCode.BAD_REQUEST
    status_code = 400
    default_message = "Bad request"


class UnauthorizedError(AppError):
    """The client is not authenticated."""

    code = ErrorCode.UNAUTHORIZED
    status_code = 401
    default_message = "Not authenticated"


class ForbiddenError(AppError):
    """The client is authenticated but not allowed."""

    code = ErrorCode.FORBIDDEN
    status_code = 403
    default_message = "Forbidden"


class PayloadTooLargeError(AppError):
    """The request body is over MAX_BODY_BYTES."""

    code = ErrorCode.PAYLOAD_TOO_LARGE
    status_code = 413
    default_message = "Request body too large"


class UnsupportedMediaTypeError(AppError):
    """An API request body that is not JSON."""

    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE
    status_code = 415
    default_message = "Request body must be application/json"


class RequestValidationError(AppError):
    """The request's path, query or body breaks its schema; `details` names each field."""

    code = ErrorCode.VALIDATION_ERROR
    status_code = 422
    default_message = "Request validation failed"


class RateLimitedError(AppError):
    """The client exceeded its rate limit."""

    code = ErrorCode.RATE_LIMITED
    status_code = 429
    default_message = "Too many requests; retry later"

    def __init__(self, *, retry_after: int) -> None:
        super().__init__()
        self.headers["Retry-After"] = str(retry_after)


class NotFoundError(AppError):
    """The resource does not exist (or is not the client's to see)."""

    code = ErrorCode.NOT_FOUND
    status_code = 404
    default_message = "Not found"


class ConflictError(AppError):
    """The request conflicts with existing data (e.g. a duplicate email)."""

    code = ErrorCode.CONFLICT
    status_code = 409
    default_message = "Conflict"


class ServiceUnavailableError(AppError):
    """A dependency (the database) is unreachable."""

    code = ErrorCode.SERVICE_UNAVAILABLE
    status_code = 503
    default_message = "Service unavailable"
