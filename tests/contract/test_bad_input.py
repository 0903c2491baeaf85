"""Broken and hostile input: the documented status and the error envelope for each,
nothing stored that should not be, and the service still serving afterwards.

Forged, expired and `alg=none` tokens and replayed refresh tokens are in
test_jwt.py; a missing CSRF token is in test_session.py.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from .api import (
    PASSWORD,
    REQUEST_ID,
    ApiClient,
    describe,
    expect_error,
    expect_success,
    new_email,
    validation_fields,
)

ITEMS = "/api/v1/items"
JSON = {"Content-Type": "application/json"}


def stored_items(client: ApiClient) -> int:
    """How many items the client can see."""
    return int(expect_success(client.get(ITEMS))["total"])


@pytest.fixture(autouse=True)
def _service_keeps_serving(service: Any) -> Iterator[None]:
    yield
    probe = ApiClient(service.base_url, service.auth)
    try:
        expect_success(probe.get("/health/ready"))
    finally:
        probe.close()


@pytest.fixture
def owner(fresh_actor: ApiClient) -> ApiClient:
    """A client allowed to create items, with none yet (none visible, with auth)."""
    return fresh_actor


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "widget"',
        b'{"name": "widget",}',
        b"{'name': 'widget'}",
        b'{"name": "widget"} and more',
        b'{"name": "\xff\xfe widget"}',
        b"\xff\xfe\xfd",
        b"\x00",
        b"[" * 100_000,
    ],
    ids=[
        "truncated",
        "trailing-comma",
        "single-quotes",
        "trailing-text",
        "bad-utf8-in-string",
        "not-utf8",
        "nul",
        "nested-100k-deep",
    ],
)
def test_broken_json_is_a_bad_request_and_stores_nothing(owner: ApiClient, body: bytes) -> None:
    before = stored_items(owner)
    expect_error(owner.post(ITEMS, content=body, headers=JSON), "BAD_REQUEST")
    assert stored_items(owner) == before


def test_deep_but_parseable_nesting_is_a_validation_error(owner: ApiClient) -> None:
    """Nesting the parser copes with reaches validation, which names the field."""
    nested: Any = "x"
    for _ in range(200):
        nested = [nested]
    response = owner.post(ITEMS, json={"name": "widget", "description": nested})
    assert validation_fields(response) == {"description"}


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        None,
    ],
)
def test_a_body_that_is_not_json_is_refused_and_stores_nothing(
    owner: ApiClient, content_type: str | None
) -> None:
    before = stored_items(owner)
    headers = {"Content-Type": content_type} if content_type else {}  # None: no header at all
    response = owner.post(ITEMS, content=b'{"name": "widget"}', headers=headers)
    expect_error(response, "UNSUPPORTED_MEDIA_TYPE")
    assert stored_items(owner) == before


@pytest.mark.parametrize(
    "item_id",
    [
        "-1",
        "0",
        "9223372036854775808",
        "99999999999999999999999999",
        "1e3",
        "0x10",
        "1.5",
        "1%20OR%201=1",
        "1;DROP%20TABLE%20items",
    ],
)
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_an_impossible_id_is_a_validation_error(
    owner: ApiClient, method: str, item_id: str
) -> None:
    body = {"json": {"name": "renamed"}} if method == "PATCH" else {}
    response = owner.request(method, f"{ITEMS}/{item_id}", **body)
    assert validation_fields(response) == {"item_id"}, describe(response)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "n" * 201),
        ("name", "n" * 500_000),
        ("description", "d" * 2001),
        ("name", "nul\x00inside"),
        ("description", "nul\x00inside"),
    ],
    ids=["name-201", "name-500k", "description-2001", "name-nul", "description-nul"],
)
def test_an_impossible_string_is_a_validation_error_and_stores_nothing(
    owner: ApiClient, field: str, value: str
) -> None:
    before = stored_items(owner)
    body = {"name": "widget", field: value}
    assert validation_fields(owner.post(ITEMS, json=body)) == {field}
    assert stored_items(owner) == before


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE items; --",
        "1' OR '1'='1",
        '<script>alert("x")</script>',
        "<img src=x onerror=alert(1)>",
        "{{7*7}} ${7*7} %s %n",
        "Ünïcödé ✓ 名前 \u202e",
    ],
)
def test_sql_and_script_looking_text_is_stored_and_returned_verbatim(
    owner: ApiClient, text: str
) -> None:
    """Data, not code: kept exactly, sent back as JSON only, and the table intact."""
    created = owner.create_item(name=text[:200], description=text)
    response = owner.get(f"{ITEMS}/{created['id']}")
    item = expect_success(response)
    assert (item["name"], item["description"]) == (text[:200], text)
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert stored_items(owner) >= 1


def test_sql_looking_pagination_is_a_validation_error(owner: ApiClient) -> None:
    response = owner.get(ITEMS, params={"page": "1 OR 1=1", "page_size": "20; DROP TABLE items"})
    assert validation_fields(response) == {"page", "page_size"}


@pytest.mark.auth_modes("jwt", "session")
@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("x' OR '1'='1", PASSWORD),
        ("admin@example.com' --", PASSWORD),
        ("e" * 400 + "@example.com", PASSWORD),
        (None, PASSWORD),
        ("someone@example.com", "p" * 129),
        ("someone@example.com", "p" * 100_000),
        ("someone@example.com", None),
    ],
    ids=[
        "sql-email",
        "sql-comment",
        "overlong-email",
        "null-email",
        "password-129",
        "password-100k",
        "null-password",
    ],
)
def test_bad_credentials_are_refused_and_register_nobody(
    new_client: Any, email: str | None, password: str | None
) -> None:
    client = new_client()
    body = {"email": email, "password": password}
    registered = client.post("/api/v1/auth/register", json=body)
    assert validation_fields(registered), describe(registered)
    signed_in = client.post("/api/v1/auth/login", json=body)
    assert signed_in.status_code in {401, 422}, describe(signed_in)
    expect_error(signed_in, "UNAUTHORIZED" if signed_in.status_code == 401 else "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "incoming",
    [
        "r" * 10_000,
        "<script>alert(1)</script>",
        "abc def",
        "../../etc/passwd",
        "abc%0d%0aSet-Cookie:x",
    ],
    ids=["10k", "script", "space", "path", "encoded-crlf"],
)
def test_a_hostile_request_id_is_replaced_not_echoed(anonymous: ApiClient, incoming: str) -> None:
    response = anonymous.get("/health/live", headers={"X-Request-ID": incoming})
    echoed = response.headers["X-Request-ID"]
    assert echoed != incoming
    assert REQUEST_ID.match(echoed), echoed


def test_a_line_break_in_the_request_id_cannot_inject_a_response_header(service: Any) -> None:
    """Raw bytes, as no well-behaved client would send them: the CR LF ends the header
    line at the server, so what follows is a request header of its own, never echoed."""
    address = urlsplit(service.base_url)
    request = (
        b"GET /health/live HTTP/1.1\r\n"
        + f"Host: {address.netloc}\r\n".encode()
        + b"X-Request-ID: abc\r\nSet-Cookie: injected=1\r\n"
        + b"Connection: close\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(request)
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    assert head.startswith("http/1.1 200"), head
    assert "injected" not in head


def test_malformed_json_in_a_query_like_place_is_not_parsed(owner: ApiClient) -> None:
    """A JSON-looking query string is only a string: page must be a number."""
    response = owner.get(ITEMS, params={"page": json.dumps({"$gt": 0})})
    assert validation_fields(response) == {"page"}


def test_a_registration_attempt_with_an_unknown_field_stores_nobody(
    service: Any, new_client: Any
) -> None:
    if service.auth == "none":
        pytest.skip("the service has no users (auth none)")
    client = new_client()
    email = new_email()
    body = {"email": email, "password": PASSWORD, "role": "admin"}
    assert validation_fields(client.post("/api/v1/auth/register", json=body)) == {"role"}
    expect_error(client.login(email), "UNAUTHORIZED")
