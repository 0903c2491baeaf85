"""The API object and its OpenAPI document: the contract's names, statuses and schemes."""

from typing import Any

from ninja import NinjaAPI

from app.schemas.common import ErrorEnvelope

API_PREFIX = "/api/v1"
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
# The errors any API operation may answer with (health checks answer 500 only).
API_ERRORS = (400, 401, 413, 415, 422, 429, 500)
# Scheme names from the contract (includes/openapi.yml), not after the classes.
SECURITY_SCHEMES = {"CurrentUserAuth": "bearerAuth", "AdminUserAuth": "bearerAuth"}


def responses(status: int, model: Any, *errors: int) -> dict[Any, Any]:
    """Ninja's `response=`: the success `model` under `status`, the error envelope under
    every status in `errors`."""
    return {status: model, frozenset(errors): ErrorEnvelope}


class ServiceAPI(NinjaAPI):
    """Django Ninja's API, documenting every operation as the contract names it."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """The document with `servers`, `security: []` on public operations and the
        contract's scheme names."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document["servers"] = [{"url": "/"}]
        components = document["components"]
        components["securitySchemes"] = {
            SECURITY_SCHEMES[name]: scheme
            for name, scheme in components.get("securitySchemes", {}).items()
        }
        for operations in document["paths"].values():
            for operation in operations.values():
                operation["security"] = [
                    {SECURITY_SCHEMES[name]: scopes for name, scopes in requirement.items()}
                    for requirement in operation.get("security", [])
                ]
                for status, response in operation["responses"].items():
                    response["description"] = DESCRIPTIONS.get(status, response["description"])
        return document
