"""Health checks and the envelope of every error the service or its framework raises."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .api import ApiClient, describe, expect_error, expect_success, validation_fields


def test_liveness_answers_ok_in_the_success_envelope(anonymous: ApiClient) -> None:
    """GET /health/live is 200 with data {"status": "ok"}."""
    data = expect_success(anonymous.get("/health/live"))
    assert data == {"status": "ok"}


def test_readiness_reports_the_database_ok(anonymous: ApiClient) -> None:
    """GET /health/ready checks the database and says so."""
    data = expect_success(anonymous.get("/health/ready"))
    assert data["status"] == "ok"
    assert data["database"] == "ok"


def assert_head_matches_get(client: ApiClient, path: str) -> None:
    """HEAD answers with the GET's status and headers: the same type and length, no body.

    The GET is made just before and just after, so a concurrent change between the
    requests cannot make the lengths differ.
    """
    before = client.get(path)
    head = client.request("HEAD", path)
    after = client.get(path)
    assert head.status_code == before.status_code == 200, describe(head)
    assert head.headers.get("Content-Type") == before.headers.get("Content-Type"), describe(head)
    lengths = {before.headers.get("Content-Length"), after.headers.get("Content-Length")}
    assert head.headers.get("Content-Length") in lengths, describe(head)
    assert head.headers.get("Content-Length") is not None, describe(head)


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_health_answers_head(anonymous: ApiClient, path: str) -> None:
    """Probes and monitors use HEAD: the GET's status, type and length, no body."""
    assert_head_matches_get(anonymous, path)


def test_resources_answer_head(actor: ApiClient) -> None:
    """HEAD works on API resources as on the health checks (credentials as for GET)."""
    actor.create_item()
    assert_head_matches_get(actor, "/api/v1/items")


def test_unknown_route_is_not_found(anonymous: ApiClient) -> None:
    """An unknown path under /api/v1 and outside it both give NOT_FOUND."""
    expect_error(anonymous.get("/api/v1/no-such-resource"), "NOT_FOUND")
    expect_error(anonymous.get("/no-such-page"), "NOT_FOUND")


def test_wrong_method_is_method_not_allowed(actor: ApiClient) -> None:
    """DELETE on the items collection gives METHOD_NOT_ALLOWED, and `Allow` names the
    methods the path does serve (every one of them, however the routes are split, and
    HEAD wherever GET is served)."""
    response = actor.delete("/api/v1/items")
    expect_error(response, "METHOD_NOT_ALLOWED")
    assert allowed(response) == {"GET", "HEAD", "POST"}
    assert allowed(actor.post("/api/v1/items/1")) == {"GET", "HEAD", "PUT", "PATCH", "DELETE"}
    assert allowed(actor.put("/health/live")) == {"GET", "HEAD"}


def allowed(response: httpx.Response) -> set[str]:
    """The methods a 405's `Allow` header names."""
    assert response.status_code == 405, describe(response)
    return {method.strip() for method in response.headers["Allow"].split(",")}


def test_wrong_method_on_health_is_method_not_allowed(anonymous: ApiClient) -> None:
    """POST on a GET-only health route gives METHOD_NOT_ALLOWED, with no auth involved."""
    expect_error(anonymous.post("/health/live", json={}), "METHOD_NOT_ALLOWED")


def test_malformed_json_is_bad_request(actor: ApiClient) -> None:
    """A truncated JSON body gives BAD_REQUEST, not a validation error or a 500."""
    response = actor.post(
        "/api/v1/items", content=b'{"name": "x"', headers={"Content-Type": "application/json"}
    )
    expect_error(response, "BAD_REQUEST")


def test_body_over_the_limit_is_payload_too_large(service: Any, actor: ApiClient) -> None:
    """A JSON body one byte over MAX_BODY_BYTES gives PAYLOAD_TOO_LARGE."""
    filler = "x" * (service.max_body_bytes - len('{"name": "a", "description": ""}') + 1)
    body = f'{{"name": "a", "description": "{filler}"}}'.encode()
    assert len(body) == service.max_body_bytes + 1
    response = actor.post(
        "/api/v1/items", content=body, headers={"Content-Type": "application/json"}
    )
    expect_error(response, "PAYLOAD_TOO_LARGE")


def test_streamed_body_over_the_limit_is_payload_too_large(service: Any, actor: ApiClient) -> None:
    """A chunked body (no Content-Length) is counted too: over the limit is 413."""
    chunk = b" " * 65536

    def body() -> Any:
        yield b'{"name": "a", "description": "'
        for _ in range(service.max_body_bytes // len(chunk) + 2):
            yield chunk
        yield b'"}'

    response = actor.post(
        "/api/v1/items", content=body(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    expect_error(response, "PAYLOAD_TOO_LARGE")


def test_body_within_the_limit_is_not_rejected_for_size(service: Any, actor: ApiClient) -> None:
    """A body just under the limit reaches validation (422 for a long description)."""
    filler = "x" * (service.max_body_bytes - 100)
    response = actor.post("/api/v1/items", json={"name": "a", "description": filler})
    assert "description" in validation_fields(response)


def test_non_json_body_is_unsupported_media_type(actor: ApiClient) -> None:
    """A form or text body on POST/PUT/PATCH gives UNSUPPORTED_MEDIA_TYPE."""
    item = actor.create_item("media")
    url = f"/api/v1/items/{item['id']}"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    text = {"Content-Type": "text/plain"}
    expect_error(
        actor.post("/api/v1/items", content=b"name=x", headers=form), "UNSUPPORTED_MEDIA_TYPE"
    )
    expect_error(actor.put(url, content=b"name=x", headers=text), "UNSUPPORTED_MEDIA_TYPE")
    expect_error(actor.patch(url, content=b'{"name": "x"}', headers=text), "UNSUPPORTED_MEDIA_TYPE")


def test_non_json_body_to_an_unknown_path_is_not_found(anonymous: ApiClient) -> None:
    """Routing comes before the content-type check: an unknown path is NOT_FOUND."""
    response = anonymous.post(
        "/api/v1/no-such-resource", content=b"x", headers={"Content-Type": "text/plain"}
    )
    expect_error(response, "NOT_FOUND")


def test_json_with_charset_is_accepted(actor: ApiClient) -> None:
    """`application/json; charset=utf-8` is JSON."""
    response = actor.post(
        "/api/v1/items",
        content='{"name": "charset ü"}'.encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert expect_success(response, 201)["name"] == "charset ü"


def test_unknown_body_field_is_a_validation_error_naming_it(actor: ApiClient) -> None:
    """Extra fields are rejected, and details name the extra field."""
    response = actor.post("/api/v1/items", json={"name": "a", "is_admin": True})
    assert "is_admin" in validation_fields(response)


def test_validation_error_names_every_bad_field(actor: ApiClient) -> None:
    """Two bad fields in one body: details name both."""
    response = actor.post("/api/v1/items", json={"name": "", "description": "d" * 2001})
    assert {"name", "description"} <= validation_fields(response)


def test_non_object_body_is_a_validation_error(actor: ApiClient) -> None:
    """Well-formed JSON of the wrong shape (an array for an object) is a 422, not a 400."""
    expect_error(actor.post("/api/v1/items", json=["name"]), "VALIDATION_ERROR")
