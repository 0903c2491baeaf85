"""Registration, login, the current user and logout (JWT and sessions alike)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest

from .api import (
    PASSWORD,
    USER_FIELDS,
    ApiClient,
    assert_recent,
    error_message,
    expect_error,
    expect_success,
    new_email,
    validation_fields,
)

pytestmark = pytest.mark.auth_modes("jwt", "session")


def assert_public_user(user: dict[str, Any]) -> None:
    """A user as the API shows it: exactly the public fields, never a secret."""
    assert set(user) == USER_FIELDS, user
    assert isinstance(user["id"], int)
    assert user["role"] in {"admin", "user"}
    assert isinstance(user["is_active"], bool)
    assert_recent(user["created_at"])
    assert_recent(user["updated_at"])


def test_register_returns_201_and_the_new_user(anonymous: ApiClient) -> None:
    """A new account is an active `user`, shown without any password field."""
    email = new_email()
    response = anonymous.register(email)
    user = expect_success(response, 201)
    assert_public_user(user)
    assert user["email"] == email
    assert (user["role"], user["is_active"]) == ("user", True)
    assert urlparse(response.headers.get("Location", "")).path.startswith("/api/v1/")
    assert PASSWORD not in response.text


def test_register_rejects_a_duplicate_email_ignoring_case(
    new_client: Callable[[], ApiClient],
) -> None:
    """`Someone@X.io` and `someone@x.io` are the same account: the second is CONFLICT."""
    local = new_email().split("@")[0]
    expect_success(new_client().register(f"{local.capitalize()}@Example.COM"), 201)
    expect_error(new_client().register(f"{local}@example.com"), "CONFLICT")


def test_register_rejects_a_short_password(anonymous: ApiClient) -> None:
    """Seven characters are too few: 422 naming `password`."""
    assert "password" in validation_fields(anonymous.register(new_email(), "1234567"))


def test_register_accepts_an_eight_character_password(anonymous: ApiClient) -> None:
    """Eight characters are enough."""
    expect_success(anonymous.register(new_email(), "12345678"), 201)


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com", ""])
def test_register_rejects_a_malformed_email(anonymous: ApiClient, email: str) -> None:
    """A malformed address: 422 naming `email`."""
    assert "email" in validation_fields(anonymous.register(email))


def test_register_rejects_unknown_fields(anonymous: ApiClient) -> None:
    """A client cannot choose its own role at registration."""
    response = anonymous.post(
        "/api/v1/auth/register",
        json={"email": new_email(), "password": PASSWORD, "role": "admin"},
    )
    assert "role" in validation_fields(response)


def test_login_accepts_the_email_in_any_case(new_client: Callable[[], ApiClient]) -> None:
    """Emails are compared case-insensitively at login too."""
    email = new_email()
    expect_success(new_client().register(email), 201)
    client = new_client()
    expect_success(client.login(email.upper()))
    assert expect_success(client.get("/api/v1/auth/me"))["email"].lower() == email


def test_login_failures_do_not_reveal_whether_the_account_exists(
    new_client: Callable[[], ApiClient],
) -> None:
    """Wrong password and unknown email are the same 401 with the same message."""
    email = new_email()
    expect_success(new_client().register(email), 201)
    wrong_password = new_client().login(email, "not the password")
    unknown_email = new_client().login(new_email(), "not the password")
    expect_error(wrong_password, "UNAUTHORIZED")
    expect_error(unknown_email, "UNAUTHORIZED")
    assert error_message(wrong_password) == error_message(unknown_email)


def test_me_returns_the_logged_in_user(user: ApiClient) -> None:
    """GET /auth/me is the user who logged in."""
    me = expect_success(user.get("/api/v1/auth/me"))
    assert_public_user(me)
    assert me == user.user


def test_me_without_credentials_is_unauthorized(anonymous: ApiClient) -> None:
    """No token or cookie: 401."""
    expect_error(anonymous.get("/api/v1/auth/me"), "UNAUTHORIZED")


def test_logout_succeeds(user: ApiClient) -> None:
    """POST /auth/logout is 200 in the success envelope."""
    expect_success(user.post("/api/v1/auth/logout"))


def test_logout_without_credentials_is_unauthorized(anonymous: ApiClient) -> None:
    """Logging out needs a logged-in client."""
    expect_error(anonymous.post("/api/v1/auth/logout"), "UNAUTHORIZED")


def test_login_body_is_validated(anonymous: ApiClient) -> None:
    """A login body without a password is 422 naming `password`."""
    response = anonymous.post("/api/v1/auth/login", json={"email": new_email()})
    assert "password" in validation_fields(response)


def test_passwords_never_appear_in_responses(new_client: Callable[[], ApiClient]) -> None:
    """Neither the password nor a hash of it is ever sent back."""
    client = new_client()
    email = new_email()
    bodies = [
        client.register(email).text,
        client.login(email).text,
        client.get("/api/v1/auth/me").text,
    ]
    for body in bodies:
        assert PASSWORD not in body
        assert "$argon2" not in body
        assert "password" not in body.lower()


@pytest.mark.parametrize("password", ["12345", "p" * 200], ids=["short", "long"])
def test_login_checks_credentials_not_the_password_policy(
    new_client: Callable[[], ApiClient], password: str
) -> None:
    """A password that today's registration policy refuses is just wrong at login: 401.

    Accounts made under an older policy keep signing in when the policy changes.
    """
    email = new_email()
    expect_success(new_client().register(email), 201)
    expect_error(new_client().login(email, password), "UNAUTHORIZED")
    expect_error(new_client().login(new_email(), password), "UNAUTHORIZED")
