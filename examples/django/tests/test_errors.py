"""Every error in the envelope; request ids, security headers, CORS and the body guard."""

import pytest
from django.test import Client

ITEMS = "/api/v1/items"


def assert_error(response: object, status: int, code: str) -> None:
    assert getattr(response, "status_code", None) == status
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"success", "error", "timestamp"}
    assert body["success"] is False
    assert body["error"]["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/no-such-resource", "/no-such-page"])
def test_unknown_paths_are_not_found(client: Client, path: str) -> None:
    assert_error(client.get(path), 404, "NOT_FOUND")


def test_wrong_method_names_the_allowed_ones(client: Client) -> None:
    response = client.put("/health/live")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert {method.strip() for method in response["Allow"].split(",")} == {"GET", "HEAD"}


def test_malformed_json_is_a_bad_request(user_client: Client) -> None:
    response = user_client.post(ITEMS, b'{"name": "x"', content_type="application/json")
    assert_error(response, 400, "BAD_REQUEST")


def test_a_body_that_is_not_json_is_unsupported(user_client: Client) -> None:
    response = user_client.post(ITEMS, b"name=x", content_type="text/plain")
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_a_body_over_the_limit_is_too_large(user_client: Client) -> None:
    body = b'{"name": "' + b"x" * 1_048_576 + b'"}'
    response = user_client.post(ITEMS, body, content_type="application/json")
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_every_response_has_a_request_id_and_security_headers(client: Client) -> None:
    for response in (client.get("/health/live"), client.get("/no-such-page")):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert len(response["X-Request-ID"]) == 32
        assert "Strict-Transport-Security" not in response


def test_a_valid_request_id_is_echoed_and_a_bad_one_replaced(client: Client) -> None:
    echoed = client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert echoed["X-Request-ID"] == "abc-123"
    replaced = client.get("/health/live", headers={"X-Request-ID": "has space"})
    assert replaced["X-Request-ID"] != "has space"


def test_cors_allows_the_listed_origin_only(client: Client) -> None:
    preflight = {"Access-Control-Request-Method": "POST"}
    allowed = client.options(ITEMS, headers={"Origin": "https://app.example.com", **preflight})
    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    refused = client.options(ITEMS, headers={"Origin": "https://evil.example.net", **preflight})
    assert_error(refused, 403, "FORBIDDEN")
    assert "Access-Control-Allow-Origin" not in refused
