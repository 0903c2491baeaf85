"""The OpenAPI document: complete, stable for generated clients, in sync when committed."""

import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from app.management.commands.openapi import export_openapi

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "openapi.json"
# operationId: (method, path). Generated clients name their functions after these, and
# every framework copier-backend renders uses the same ones.
OPERATIONS = {
    "live": ("get", "/health/live"),
    "ready": ("get", "/health/ready"),
    "register": ("post", "/api/v1/auth/register"),
    "login": ("post", "/api/v1/auth/login"),
    "refresh": ("post", "/api/v1/auth/refresh"),
    "logout": ("post", "/api/v1/auth/logout"),
    "getMe": ("get", "/api/v1/auth/me"),
    "listUsers": ("get", "/api/v1/users"),
    "createUser": ("post", "/api/v1/users"),
    "getUser": ("get", "/api/v1/users/{user_id}"),
    "updateUser": ("patch", "/api/v1/users/{user_id}"),
    "deleteUser": ("delete", "/api/v1/users/{user_id}"),
    "listItems": ("get", "/api/v1/items"),
    "createItem": ("post", "/api/v1/items"),
    "getItem": ("get", "/api/v1/items/{item_id}"),
    "replaceItem": ("put", "/api/v1/items/{item_id}"),
    "updateItem": ("patch", "/api/v1/items/{item_id}"),
    "deleteItem": ("delete", "/api/v1/items/{item_id}"),
}
PUBLIC = {"live", "ready", "register", "login", "refresh"}
SIGNED_IN: list[dict[str, list[str]]] = [{"bearerAuth": []}]
# Component schemas: named on purpose, never after a generic type (`Envelope_ItemRead_`).
SCHEMAS = {
    "Credentials",
    "EmptyEnvelope",
    "ErrorBody",
    "ErrorCode",
    "ErrorEnvelope",
    "ItemCreate",
    "ItemEnvelope",
    "ItemPage",
    "ItemPageEnvelope",
    "ItemRead",
    "ItemReplace",
    "ItemUpdate",
    "Liveness",
    "LivenessEnvelope",
    "LoginRequest",
    "LogoutRequest",
    "Readiness",
    "ReadinessEnvelope",
    "RefreshRequest",
    "Role",
    "TokenPair",
    "TokenPairEnvelope",
    "UserCreate",
    "UserEnvelope",
    "UserPage",
    "UserPageEnvelope",
    "UserRead",
    "UserUpdate",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document the code gives: what `make openapi` writes and the service serves."""
    return dict(json.loads(export_openapi()))


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        operation["operationId"]: (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_committed_openapi_json_matches_the_code(document: dict[str, Any]) -> None:
    assert json.loads(COMMITTED.read_text()) == document, (
        "openapi.json is stale: run `make openapi` and commit it"
    )


def test_every_operation_documents_the_error_envelope(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
            assert errors, f"{method} {path} documents no error"
            for code in errors:
                schema = operation["responses"][code]["content"]["application/json"]["schema"]
                assert schema["$ref"].endswith("/ErrorEnvelope"), f"{method} {path} {code}"


def test_operation_ids_and_schema_names_are_the_standard_ones(document: dict[str, Any]) -> None:
    # Routes and schemas of your own may come on top of the standard ones.
    operations = _operations(document)
    for operation_id, (method, path) in OPERATIONS.items():
        assert operations.get(operation_id, (None, None))[:2] == (method, path), operation_id
    for operation_id in operations:
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", operation_id), operation_id
    assert set(document["components"]["schemas"]) >= SCHEMAS


def test_public_operations_declare_no_security(document: dict[str, Any]) -> None:
    for operation_id, (_, _, operation) in _operations(document).items():
        if operation_id in OPERATIONS:
            expected = [] if operation_id in PUBLIC else SIGNED_IN
            assert operation.get("security") == expected, operation_id
        assert isinstance(operation.get("security"), list), operation_id


def test_document_names_its_servers_version_and_license(document: dict[str, Any]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert document["servers"] == [{"url": "/"}]
    assert document["info"]["version"] == project["version"]
    assert document["info"]["license"] == {"name": "MIT", "identifier": "MIT"}


class PageAssets(HTMLParser):
    """The URLs a page loads: scripts, stylesheets, icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        url = dict(attrs).get("src" if tag == "script" else "href")
        if url and tag in {"script", "link"}:
            self.urls.append(url)


def test_the_service_serves_that_document(client: Client, document: dict[str, Any]) -> None:
    assert client.get("/api/v1/openapi.json").json() == document


def test_docs_page_is_served_with_its_own_assets(client: Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger" in page.lower()
    assert not re.search(r"https?://", page), "the docs page loads from elsewhere"
    assert "http" not in response.headers["Content-Security-Policy"]
    assets = PageAssets()
    assets.feed(page)
    assert len(assets.urls) >= 2  # the Swagger UI script and stylesheet, at least
    for url in assets.urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.getvalue(), url
