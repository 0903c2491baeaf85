"""Security headers, request ids and CORS on every kind of response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .api import REQUEST_ID, ApiClient, describe, expect_error

SECURITY_HEADERS = (
    "Referrer-Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
)
FRAMEWORK_NAMES = (
    "uvicorn",
    "gunicorn",
    "hypercorn",
    "starlette",
    "fastapi",
    "flask",
    "werkzeug",
    "django",
    "express",
    "node",
    "python",
)


def _responses(client: ApiClient) -> dict[str, httpx.Response]:
    """One response of each kind, those that middleware answers before any route included."""
    return {
        "success": client.get("/health/live"),
        "not found": client.get("/api/v1/no-such-resource"),
        "method not allowed": client.post("/health/live", json={}),
        "validation": client.get("/api/v1/items/not-a-number"),
        "unauthenticated or absent": client.get("/api/v1/auth/me"),
        "unsupported media type": client.post(
            "/api/v1/items", content=b"name=x", headers={"Content-Type": "text/plain"}
        ),
        # Twice the default MAX_BODY_BYTES (1 MiB), which the suite's service runs with.
        "too large": client.post(
            "/api/v1/items",
            content=b" " * (2 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
        ),
    }


def test_security_headers_are_on_every_response(anonymous: ApiClient) -> None:
    """Success, 404, 405 and 4xx responses all carry the security headers."""
    for kind, response in _responses(anonymous).items():
        headers = response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", (kind, describe(response))
        assert headers.get("X-Frame-Options") == "DENY", (kind, describe(response))
        missing = [name for name in SECURITY_HEADERS if not headers.get(name)]
        assert not missing, f"{kind}: missing {missing} on {describe(response)}"


def test_json_responses_have_a_strict_content_security_policy(anonymous: ApiClient) -> None:
    """JSON responses forbid every source: `default-src 'none'`."""
    for kind, response in _responses(anonymous).items():
        assert response.headers["Content-Type"].startswith("application/json"), kind
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in csp, f"{kind}: CSP {csp!r}"


def test_no_header_names_the_framework_or_server(anonymous: ApiClient) -> None:
    """No `X-Powered-By`, and no `Server` header naming the server software."""
    for kind, response in _responses(anonymous).items():
        assert "X-Powered-By" not in response.headers, kind
        server = response.headers.get("Server", "").lower()
        named = [name for name in FRAMEWORK_NAMES if name in server]
        assert not named, f"{kind}: Server header {server!r} names {named}"


def test_hsts_is_not_sent_outside_production(anonymous: ApiClient) -> None:
    """Strict-Transport-Security only in production (the suite runs in development)."""
    assert "Strict-Transport-Security" not in anonymous.get("/health/live").headers


def test_every_response_carries_a_valid_request_id(anonymous: ApiClient) -> None:
    """Without an incoming id, each response gets a fresh, well-formed one."""
    ids = []
    for kind, response in _responses(anonymous).items():
        request_id = response.headers.get("X-Request-ID", "")
        assert REQUEST_ID.match(request_id), f"{kind}: X-Request-ID {request_id!r}"
        ids.append(request_id)
    assert len(set(ids)) == len(ids), f"request ids repeat: {ids}"


@pytest.mark.parametrize(
    "incoming", ["abc-123", "req_1.2:3", "A" * 128, "0c0d4a9e-6b1f-4f55-9a1e-0e1f2a3b4c5d"]
)
def test_a_valid_incoming_request_id_is_echoed(anonymous: ApiClient, incoming: str) -> None:
    """A well-formed X-Request-ID comes back unchanged, on success and on error."""
    for path in ("/health/live", "/api/v1/no-such-resource"):
        response = anonymous.get(path, headers={"X-Request-ID": incoming})
        assert response.headers.get("X-Request-ID") == incoming, describe(response)


@pytest.mark.parametrize(
    "incoming", ["has space", "A" * 129, "<script>", "semi;colon", 'quote"d', "ü-unicode"]
)
def test_an_invalid_incoming_request_id_is_replaced(anonymous: ApiClient, incoming: str) -> None:
    """A malformed X-Request-ID is never reflected; a fresh valid one replaces it."""
    response = anonymous.get("/health/live", headers={"X-Request-ID": incoming.encode("utf-8")})
    request_id = response.headers.get("X-Request-ID", "")
    assert request_id != incoming
    assert REQUEST_ID.match(request_id), f"X-Request-ID {request_id!r}"


# The request headers a browser client of each auth mode sends cross-origin.
CLIENT_HEADERS = {
    "jwt": ["authorization", "content-type"],
    "session": ["content-type", "x-csrftoken"],
    "none": ["content-type"],
}


def _preflight(client: ApiClient, origin: str, headers: str = "content-type") -> httpx.Response:
    return client.http.options(
        "/api/v1/items",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": headers,
        },
    )


def test_cors_preflight_from_an_allowed_origin_is_allowed(
    service: Any, anonymous: ApiClient
) -> None:
    """The preflight answer names the allowed origin itself (so never `*`) and POST."""
    response = _preflight(anonymous, service.cors_origin)
    assert response.status_code in {200, 204}, describe(response)
    assert response.headers.get("Access-Control-Allow-Origin") == service.cors_origin
    methods = response.headers.get("Access-Control-Allow-Methods", "").upper()
    assert "POST" in methods, methods


def test_cors_preflight_allows_the_headers_the_auth_mode_needs(
    service: Any, anonymous: ApiClient
) -> None:
    """A browser app on an allowed origin may send its credentials headers.

    JWT clients send Authorization; session clients send X-CSRFToken and need
    Access-Control-Allow-Credentials for the session cookie.
    """
    needed = CLIENT_HEADERS[service.auth]
    response = _preflight(anonymous, service.cors_origin, ", ".join(needed))
    assert response.status_code in {200, 204}, describe(response)
    allowed = {
        h.strip().lower()
        for h in response.headers.get("Access-Control-Allow-Headers", "").split(",")
    }
    assert set(needed) <= allowed, f"allowed {allowed}, needed {needed}"
    if service.auth == "session":
        credentials = response.headers.get("Access-Control-Allow-Credentials", "")
        assert credentials.lower() == "true", describe(response)


def test_cors_simple_request_from_an_allowed_origin_gets_its_origin(
    service: Any, anonymous: ApiClient
) -> None:
    """A plain GET with an allowed Origin is answered with that origin."""
    response = anonymous.get("/health/live", headers={"Origin": service.cors_origin})
    assert response.headers.get("Access-Control-Allow-Origin") == service.cors_origin


def test_cors_from_another_origin_gets_no_allow_origin(
    new_client: Callable[[], ApiClient],
) -> None:
    """Neither a preflight nor a GET from an unlisted origin is allowed."""
    client = new_client()
    evil = "https://evil.example.net"
    for response in (
        _preflight(client, evil),
        client.get("/health/live", headers={"Origin": evil}),
    ):
        assert "Access-Control-Allow-Origin" not in response.headers, describe(response)


def test_a_refused_preflight_is_an_error_envelope(new_client: Callable[[], ApiClient]) -> None:
    """A preflight from an unlisted origin is refused in the error envelope (FORBIDDEN, or
    BAD_REQUEST), never as plain text, and still names no allowed origin."""
    response = _preflight(new_client(), "https://evil.example.net")
    assert "Access-Control-Allow-Origin" not in response.headers, describe(response)
    code = {400: "BAD_REQUEST", 403: "FORBIDDEN"}.get(response.status_code)
    assert code, describe(response)
    expect_error(response, code)


@pytest.mark.auth_modes("jwt")
def test_a_401_of_the_bearer_api_names_its_scheme(anonymous: ApiClient) -> None:
    """`WWW-Authenticate: Bearer` on a 401 (RFC 6750), for a missing token and a failed login."""
    for response in (
        anonymous.get("/api/v1/auth/me"),
        anonymous.login("nobody@example.com", "wrong password"),
    ):
        expect_error(response, "UNAUTHORIZED")
        challenge = response.headers.get("WWW-Authenticate", "")
        assert challenge.lower().startswith("bearer"), describe(response)
