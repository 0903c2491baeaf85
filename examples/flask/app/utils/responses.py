"""JSON responses in the envelope: the views' successes and every error."""

from collections.abc import Mapping
from typing import Any

from flask import Response
from pydantic import BaseModel

from app.errors import ErrorCode
from app.schemas.common import ErrorBody, ErrorEnvelope


def json_response(
    body: BaseModel, status: int = 200, *, headers: Mapping[str, str] | None = None
) -> Response:
    """A JSON response carrying `body` (an envelope)."""
    return Response(
        body.model_dump_json(), status=status, headers=headers, mimetype="application/json"
    )


def error_response(
    status_code: int,
    code: ErrorCode,
    message: str,
    *,
    details: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON response carrying the error envelope."""
    envelope = ErrorEnvelope(error=ErrorBody(code=code, message=message, details=details))
    return json_response(envelope, status_code, headers=headers)
