"""OpenAPI helpers: operation ids, public operations, the error envelope on every operation."""

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

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


def operation_id(route: APIRoute) -> str:
    """The route function's name in camelCase (`list_items` -> `listItems`): the operationId
    every framework gives this operation, so generated clients do not change with it."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def document_public_operations(app: FastAPI) -> None:
    """Mark every operation that needs no credentials with `security: []`.

    FastAPI lists a security requirement only where a route depends on one; an
    operation without it would read as "unspecified" to linters and gateways.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for operations in build()["paths"].values():
                for operation in operations.values():
                    operation.setdefault("security", [])
        return build()  # cached by FastAPI after the first call

    app.openapi = openapi  # type: ignore[method-assign]
