"""Error responses in the envelope, for code that runs outside the API's handlers."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse

from app.errors import ErrorCode
from app.schemas.common import ErrorBody, ErrorEnvelope


def error_response(
    status_code: int,
    code: ErrorCode,
    message: str,
    *,
    details: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """A JSON response carrying the error envelope."""
    envelope = ErrorEnvelope(error=ErrorBody(code=code, message=message, details=details))
    return HttpResponse(
        envelope.model_dump_json(),
        status=status_code,
        content_type="application/json",
        headers=headers,
    )
