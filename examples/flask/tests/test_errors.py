"""The error envelope, request ids and security headers on every path."""

from collections.abc import Callable

import pytest

from app.errors import ErrorCode
from app.routes.openapi import ContractOpenAPI
from tests.clients import ApiClient, ApiResponse
from tests.conftest import client_for


def _assert_error(body: dict[str, object], code: ErrorCode) -> None:
    assert body["success"] is False
    assert isinstance(body["error"], dict)
    assert body["error"]["code"] == code
    assert str(body["timestamp"]).endswith("Z")


def test_unknown_route_is_a_404_envelope(client: ApiClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    _assert_error(response.json, ErrorCode.NOT_FOUND)


def test_wrong_method_is_a_405_envelope(client: ApiClient) -> None:
    response = client.put("/health/live")
    assert response.status_code == 405
    _assert_error(response.json, ErrorCode.METHOD_NOT_ALLOWED)
    assert response.headers["Allow"] == "GET, HEAD"  # HEAD is served wherever GET is


def test_405_allows_every_method_of_the_path(client: ApiClient) -> None:
    # GET and POST on /items are two routes; Allow must name both, and HEAD with GET.
    response = client.put("/api/v1/items")
    assert response.headers["Allow"] == "GET, HEAD, POST"


def test_405_names_no_head_where_get_is_not_served(client: ApiClient) -> None:
    response = client.get("/api/v1/auth/login")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_malformed_json_is_a_400(client: ApiClient) -> None:
    response = client.post(
        "/api/v1/items", data=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    _assert_error(response.json, ErrorCode.BAD_REQUEST)


def test_non_json_bodies_are_a_415(client: ApiClient) -> None:
    response = client.post("/api/v1/items", data=b"name=x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    _assert_error(response.json, ErrorCode.UNSUPPORTED_MEDIA_TYPE)


def test_routing_errors_come_before_the_content_type_check(client: ApiClient) -> None:
    text = {"Content-Type": "text/plain"}
    unknown = client.post("/api/v1/nothing-here", data=b"x", headers=text)
    assert unknown.status_code == 404
    _assert_error(unknown.json, ErrorCode.NOT_FOUND)
    wrong_method = client.put("/api/v1/items", data=b"x", headers=text)
    assert wrong_method.status_code == 405


def test_a_401_names_the_bearer_scheme(client: ApiClient) -> None:
    unauthenticated = client.get("/api/v1/auth/me")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["WWW-Authenticate"] == "Bearer"
    body = {"email": "nobody@example.com", "password": "x" * 12}
    refused = client.post("/api/v1/auth/login", json=body)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == "Bearer"


def test_oversized_bodies_are_a_413(make_app: Callable[..., ContractOpenAPI]) -> None:
    client = client_for(make_app(max_body_bytes=64))
    response = client.post("/api/v1/items", json={"name": "x" * 100})
    assert response.status_code == 413
    _assert_error(response.json, ErrorCode.PAYLOAD_TOO_LARGE)


def _get_failing_route(app: ContractOpenAPI) -> ApiResponse:
    @app.get("/boom")
    def boom() -> None:
        msg = "secret internals"
        raise RuntimeError(msg)

    return client_for(app).get("/boom")


def test_unhandled_errors_are_a_500_without_internals(
    make_app: Callable[..., ContractOpenAPI],
) -> None:
    response = _get_failing_route(make_app())
    assert response.status_code == 500
    assert "secret" not in response.text
    _assert_error(response.json, ErrorCode.INTERNAL_ERROR)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Request-ID"]


def test_debug_names_the_exception_outside_production(
    make_app: Callable[..., ContractOpenAPI],
) -> None:
    response = _get_failing_route(make_app(debug=True))
    assert response.status_code == 500
    assert "secret internals" in response.json["error"]["details"]["exception"]


def test_request_ids_are_echoed_or_made(client: ApiClient) -> None:
    echoed = client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    replaced = client.get("/health/live", headers={"X-Request-ID": "bad id\twith spaces"})
    assert replaced.headers["X-Request-ID"] not in ("", "bad id\twith spaces")


@pytest.mark.parametrize("path", ["/health/live", "/api/v1/nothing-here"])
def test_security_headers_on_every_response(client: ApiClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    for name in ("Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy"):
        assert name in headers
    assert "Strict-Transport-Security" not in headers


def test_cors_allows_only_listed_origins(client: ApiClient) -> None:
    preflight = {"Access-Control-Request-Method": "GET"}
    allowed = client.options(
        "/api/v1/items", headers={"Origin": "https://app.example.com", **preflight}
    )
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    denied = client.options(
        "/api/v1/items", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "Access-Control-Allow-Origin" not in denied.headers
    assert denied.status_code == 403
    _assert_error(denied.json, ErrorCode.FORBIDDEN)
    assert denied.headers["X-Request-ID"]
