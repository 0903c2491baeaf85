"""OpenAPI helpers: document the error envelope on every operation."""

from typing import Any

from app.schemas.common import ErrorEnvelope

# Our own wording: the standard library's reason phrases change between Python versions.
DESCRIPTIONS = {
    400: "Malformed request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    409: "Conflicts with existing data",
    413: "Request body too large",
    415: "Request body is not JSON",
    422: "Validation failed",
    429: "Rate limited",
    500: "Internal error",
    503: "Dependency unavailable",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for these statuses, each with the error envelope."""
    return {
        status: {"model": ErrorEnvelope, "description": DESCRIPTIONS[status]} for status in statuses
    }
