"""An HTTP client for the contract suite: envelopes, client addresses and auth modes.

Only HTTP: nothing here knows which framework answers.
"""

from __future__ import annotations

import ipaddress
import itertools
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from matrix import ERROR_CODES

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "X-CSRFToken"
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
USER_FIELDS = {"id", "email", "role", "is_active", "created_at", "updated_at"}
PASSWORD = "correct horse battery staple"

# Each logical client gets its own address from 198.18.0.0/15 (reserved for
# benchmarks; never routed), sent as X-Forwarded-For, which the service trusts
# from loopback. A per-process block keeps parallel workers apart.
_ADDRESS_BASE = ipaddress.IPv4Address("198.18.0.0") + (os.getpid() % 63) * 2048
_address_counter = itertools.count(1)


def fake_ip() -> str:
    """A client address no other client of this process uses."""
    return str(_ADDRESS_BASE + next(_address_counter) % 2048)


def new_email(prefix: str = "user") -> str:
    """An email address nobody registered yet."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def describe(response: httpx.Response) -> str:
    """The request and the response, short, for assertion messages."""
    request = response.request
    return (
        f"{request.method} {request.url.raw_path.decode()} -> {response.status_code}: "
        f"{response.text[:600]}"
    )


def expect_success(response: httpx.Response, status: int = 200) -> Any:
    """Assert a success envelope with `status`; return its `data`."""
    assert response.status_code == status, describe(response)
    body = response.json()
    assert set(body) == {"success", "data", "message", "timestamp"}, describe(response)
    assert body["success"] is True, describe(response)
    assert isinstance(body["message"], str), describe(response)
    assert_envelope_timestamp(body["timestamp"])
    return body["data"]


def expect_error(response: httpx.Response, code: str) -> dict[str, Any]:
    """Assert an error envelope carrying `code` and its status; return `details`."""
    assert response.status_code == ERROR_CODES[code], describe(response)
    body = response.json()
    assert set(body) == {"success", "error", "timestamp"}, describe(response)
    assert body["success"] is False, describe(response)
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, describe(response)
    assert error["code"] == code, describe(response)
    assert isinstance(error["message"], str), describe(response)
    assert error["message"], describe(response)
    assert_envelope_timestamp(body["timestamp"])
    details = error["details"]
    return details if isinstance(details, dict) else {}


def error_message(response: httpx.Response) -> str:
    """The `error.message` of an error envelope."""
    return str(response.json()["error"]["message"])


def assert_envelope_timestamp(value: Any) -> None:
    """An ISO 8601 UTC instant ending in Z, close to now."""
    assert isinstance(value, str), value
    assert TIMESTAMP.match(value), f"timestamp {value!r} is not ISO 8601 UTC ending in Z"
    assert_recent(value)


def assert_utc_datetime(value: Any) -> datetime:
    """An ISO 8601 instant with a zero UTC offset (Z or +00:00)."""
    assert isinstance(value, str), value
    moment = datetime.fromisoformat(value)
    assert moment.utcoffset() == timedelta(0), f"{value!r} is not a UTC instant"
    return moment


def assert_recent(value: str) -> None:
    """The instant is within ten minutes of this machine's clock."""
    moment = assert_utc_datetime(value)
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=10), value


def validation_fields(response: httpx.Response) -> set[str]:
    """The field names a 422 envelope's details name."""
    return set(expect_error(response, "VALIDATION_ERROR"))


class ApiClient:
    """One logical client: its own address, cookies and credentials."""

    def __init__(self, base_url: str, auth: str, *, ip: str | None = None) -> None:
        self.auth = auth
        self.ip = ip or fake_ip()
        self.http = httpx.Client(
            base_url=base_url, headers={"X-Forwarded-For": self.ip}, timeout=30
        )
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.user: dict[str, Any] | None = None

    def close(self) -> None:
        self.http.close()

    def request(
        self, method: str, url: str, *, csrf: bool = True, bearer: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """Send a request with this client's credentials (and CSRF token, with sessions)."""
        headers = dict(kwargs.pop("headers", None) or {})
        if self.auth == "jwt" and bearer and self.access_token:
            headers.setdefault("Authorization", f"Bearer {self.access_token}")
        if self.auth == "session" and csrf and method.upper() in UNSAFE_METHODS:
            headers.setdefault(CSRF_HEADER, self.csrf_token())
        return self.http.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def csrf_token(self) -> str:
        """The client's csrftoken cookie, fetched with a GET when it has none yet."""
        token = self.http.cookies.get(CSRF_COOKIE)
        if token is None:
            self.http.get("/health/live")
            token = self.http.cookies.get(CSRF_COOKIE)
        assert token, "GET /health/live set no csrftoken cookie for a client without one"
        return token

    def register(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/api/v1/auth/register", json={"email": email, "password": password})

    def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        """Log in; with JWT, keep the returned tokens for the next requests."""
        response = self.post("/api/v1/auth/login", json={"email": email, "password": password})
        if response.status_code == 200 and self.auth == "jwt":
            data = response.json()["data"]
            self.access_token = data["access_token"]
            self.refresh_token = data["refresh_token"]
        return response

    def sign_up(self, email: str | None = None, password: str = PASSWORD) -> dict[str, Any]:
        """Register a new account, log in as it and return the user."""
        email = email or new_email()
        self.user = expect_success(self.register(email, password), 201)
        expect_success(self.login(email, password))
        return self.user

    def create_item(self, name: str = "widget", **fields: Any) -> dict[str, Any]:
        """Create an item and return it."""
        return expect_success(self.post("/api/v1/items", json={"name": name, **fields}), 201)
