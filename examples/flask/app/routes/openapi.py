"""The OpenAPI document (flask-openapi3) as the contract wants it, and the docs page."""

from html import escape
from importlib.resources import files
from string import Template
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from flask_openapi3.openapi import OpenAPI
from flask_openapi3.types import ResponseDict

from app.schemas.common import ErrorEnvelope

DOCS_PATH = "/docs"
OPENAPI_PATH = "/api/v1/openapi.json"
# Operations whose body may be left out (the library marks every body required).
OPTIONAL_BODIES = frozenset({"logout"})

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


def error_responses(*statuses: int) -> ResponseDict:
    """`responses=` entries for these statuses, each with the error envelope."""
    return dict.fromkeys(statuses, ErrorEnvelope)


def operation_id(*, name: str, path: str, method: str) -> str:
    """The view function's name in camelCase (`list_items` -> `listItems`): the operationId
    every framework gives this operation, so generated clients do not change with it."""
    del path, method  # the name alone is unique
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


class ContractOpenAPI(OpenAPI):
    """flask-openapi3, with the document the contract (includes/openapi.yml) describes.

    The library documents its own 422 shape on every operation and marks every body
    required; this service answers validation errors in the envelope, which each
    operation lists, and `security: []` marks the operations that need no credentials.
    """

    @property
    def api_doc(self) -> dict[str, Any]:
        """The OpenAPI document, built once."""
        if self.spec_json:
            return self.spec_json
        document = super().api_doc
        components = document["components"]
        components["schemas"].pop(self.validation_error_model.__name__, None)
        if components.get("securitySchemes") is None:  # a public API has none
            components.pop("securitySchemes", None)
        for path_item in document["paths"].values():
            for operation in path_item.values():
                library_422 = operation["responses"].get("422", {})
                if _is_array(library_422):
                    del operation["responses"]["422"]
                for status, response in operation["responses"].items():
                    response["description"] = DESCRIPTIONS.get(int(status), response["description"])
                operation.setdefault("security", [])
                if "requestBody" in operation and operation["operationId"] in OPTIONAL_BODIES:
                    _make_optional(operation["requestBody"])
        return document


def _make_optional(body: dict[str, Any]) -> None:
    body["required"] = False
    media = body["content"]["application/json"]
    media["schema"] = {"anyOf": [media["schema"], {"type": "null"}]}


def _is_array(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("type") == "array")


docs = Blueprint(
    "docs",
    __name__,
    url_prefix=DOCS_PATH,
    # Swagger UI's own files, served by the service: the page works without internet access.
    static_folder=str(files("flask_openapi3_swagger") / "templates" / "swagger"),
    static_url_path="/assets",
)

_DOCS_PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title</title>
<link rel="stylesheet" href="$docs/assets/css/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="$docs/assets/js/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "$openapi", dom_id: "#swagger-ui"});</script>
</body>
</html>
""")


@docs.get("")
def docs_page() -> Response:
    """Swagger UI on the service's own document."""
    title = escape(current_app.config["TITLE"])
    page = _DOCS_PAGE.substitute(title=title, docs=DOCS_PATH, openapi=OPENAPI_PATH)
    return Response(page, mimetype="text/html")


def serve_document(app: ContractOpenAPI) -> None:
    """Serve the document at OPENAPI_PATH (outside the API blueprints: not documented)."""
    app.add_url_rule(OPENAPI_PATH, "openapi", lambda: jsonify(app.api_doc))
