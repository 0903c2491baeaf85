"""The OpenAPI 3 document and the interactive docs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from .api import ApiClient, describe

ITEM_PATHS = {
    "/api/v1/items": {"get", "post"},
    "/api/v1/items/{}": {"get", "put", "patch", "delete"},
}
AUTH_PATHS = {
    "/api/v1/auth/register": {"post"},
    "/api/v1/auth/login": {"post"},
    "/api/v1/auth/me": {"get"},
    "/api/v1/auth/logout": {"post"},
    "/api/v1/users": {"get", "post"},
    "/api/v1/users/{}": {"get", "patch", "delete"},
}
JWT_PATHS = {"/api/v1/auth/refresh": {"post"}}


@pytest.fixture
def document(anonymous: ApiClient) -> dict[str, Any]:
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200, describe(response)
    return dict(response.json())


def expected_paths(auth: str) -> dict[str, set[str]]:
    paths = dict(ITEM_PATHS)
    if auth != "none":
        paths |= AUTH_PATHS
    if auth == "jwt":
        paths |= JWT_PATHS
    return paths


def normalized(paths: dict[str, Any]) -> dict[str, set[str]]:
    """Paths with parameter names blanked (`{item_id}` -> `{}`) and their methods."""
    return {
        re.sub(r"\{[^}]+\}", "{}", path): set(ops) - {"parameters"} for path, ops in paths.items()
    }


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow local `$ref`s to the schema they name."""
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def test_document_is_openapi_3(document: dict[str, Any]) -> None:
    """The version field says OpenAPI 3."""
    assert str(document.get("openapi", "")).startswith("3.")


def test_document_lists_every_operation(service: Any, document: dict[str, Any]) -> None:
    """Every route of the contract, with its methods, is in `paths`."""
    paths = normalized(document["paths"])
    for path, methods in expected_paths(service.auth).items():
        assert path in paths, f"{path} missing from {sorted(paths)}"
        assert methods <= paths[path], f"{path}: {methods - paths[path]} missing"


def test_document_has_no_auth_routes_without_auth(service: Any, document: dict[str, Any]) -> None:
    """With auth none the document shows no /auth or /users path; otherwise it does."""
    paths = normalized(document["paths"])
    leftovers = {p for p in paths if p.startswith(("/api/v1/auth", "/api/v1/users"))}
    assert bool(leftovers) == (service.auth != "none"), sorted(leftovers)


def test_document_declares_the_security_scheme(service: Any, document: dict[str, Any]) -> None:
    """Bearer JWT or a session cookie as a security scheme; none without auth."""
    schemes = document.get("components", {}).get("securitySchemes", {}).values()
    if service.auth == "jwt":
        assert any(
            s.get("type") == "http" and s.get("scheme", "").lower() == "bearer" for s in schemes
        ), list(schemes)
    elif service.auth == "session":
        assert any(s.get("type") == "apiKey" and s.get("in") == "cookie" for s in schemes), list(
            schemes
        )
    else:
        assert not list(schemes)


def test_error_responses_reference_the_error_envelope(document: dict[str, Any]) -> None:
    """Each operation documents at least one 4xx answer whose schema is the envelope."""
    for path, operations in document["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, operation in operations.items():
            if method == "parameters":
                continue
            errors = [
                resolve(document, body["schema"])
                for status, response in operation.get("responses", {}).items()
                if status.startswith("4")
                for body in resolve(document, response).get("content", {}).values()
                if "schema" in body
            ]
            envelopes = [
                s
                for s in errors
                if {"success", "error", "timestamp"} <= set(s.get("properties", {}))
            ]
            assert envelopes, f"{method.upper()} {path} documents no error envelope"


def test_success_responses_have_schemas(document: dict[str, Any]) -> None:
    """Each operation's 2xx answer (other than 204) has a schema."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2") and status != "204":
                    content = resolve(document, response).get("content", {})
                    assert any("schema" in body for body in content.values()), (
                        f"{method.upper()} {path} {status} has no schema"
                    )


def test_interactive_docs_are_served(anonymous: ApiClient) -> None:
    """GET /docs is an HTML page."""
    response = anonymous.get("/docs")
    assert response.status_code == 200, describe(response)
    assert response.headers["Content-Type"].startswith("text/html")


class _AssetLinks(HTMLParser):
    """The URLs a page loads: scripts, styles, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        url = found.get("src") if tag in {"script", "img"} else found.get("href")
        if url and tag in {"script", "img", "link"}:
            self.urls.append(url)


def _script_urls(html: str) -> list[str]:
    """URLs named in inline scripts (`url: '/api/v1/openapi.json'`, a bundle's address)."""
    return re.findall(r"""["'`]((?:https?:)?//[^"'`\s]+)["'`]""", html)


def test_docs_page_loads_nothing_from_another_origin(anonymous: ApiClient) -> None:
    """/docs works with no internet access: every asset comes from the service itself,
    loads with 200, and the page's Content-Security-Policy names no other origin."""
    response = anonymous.get("/docs")
    assert response.status_code == 200, describe(response)
    links = _AssetLinks()
    links.feed(response.text)
    assert links.urls, "the docs page loads no script or stylesheet"
    page = str(response.url)
    foreign = [
        url
        for url in [*links.urls, *_script_urls(response.text)]
        if urlsplit(urljoin(page, url)).netloc != urlsplit(page).netloc
    ]
    assert not foreign, f"/docs loads from other origins: {foreign}"
    for url in links.urls:
        asset = anonymous.get(urlsplit(urljoin(page, url)).path)
        assert asset.status_code == 200, describe(asset)
        assert asset.content, f"{url} is empty"
    policy = response.headers.get("Content-Security-Policy", "")
    assert not re.search(r"https?:|\*", policy), f"CSP allows another origin: {policy}"
