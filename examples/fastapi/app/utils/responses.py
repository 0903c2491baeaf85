"""Error responses in the envelope, for code that runs outside the routes."""

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

from app.errors import ErrorCode
from app.schemas.common import ErrorBody, ErrorEnvelope


def error_response(
    status_code: int,
    code: ErrorCode,
    message: str,
    *,
    details: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A JSON response carrying the error envelope."""
    envelope = ErrorEnvelope(error=ErrorBody(code=code, message=message, details=details))
    return JSONResponse(envelope.model_dump(mode="json"), status_code=status_code, headers=headers)
