"""Registration, sign-in, token rotation and sign-out."""

from collections.abc import Callable
from typing import Any

from django.test import Client

from app.models.user import User
from tests.conftest import PASSWORD, sign_in

AUTH = "/api/v1/auth"


def register(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(
        f"{AUTH}/register", {"email": email, "password": password}, content_type="application/json"
    )


def test_register_creates_a_user_account(client: Client) -> None:
    response = register(client, "New@Example.com")
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["email"] == "new@example.com"
    assert data["role"] == "user"
    assert "password" not in data
    assert response["Location"] == f"/api/v1/users/{data['id']}"


def test_register_refuses_a_taken_email_in_any_case(client: Client) -> None:
    register(client, "taken@example.com")
    response = register(client, "TAKEN@example.com")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"


def test_register_refuses_a_short_password_and_a_bad_email(client: Client) -> None:
    short = register(client, "short@example.com", "short")
    assert set(short.json()["error"]["details"]) == {"password"}
    bad = register(client, "not-an-email")
    assert set(bad.json()["error"]["details"]) == {"email"}


def test_passwords_are_stored_as_argon2id_hashes(client: Client) -> None:
    register(client, "hashed@example.com")
    stored = User.objects.get(email="hashed@example.com").password
    assert stored.startswith("argon2$argon2id$")


def test_login_failures_do_not_say_which_part_was_wrong(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user("known@example.com")
    wrong_password = client.post(
        f"{AUTH}/login",
        {"email": "known@example.com", "password": "wrong password"},
        content_type="application/json",
    )
    unknown = client.post(
        f"{AUTH}/login",
        {"email": "unknown@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json()["error"] == unknown.json()["error"]
    assert wrong_password["WWW-Authenticate"] == "Bearer"


def test_me_needs_authentication(client: Client) -> None:
    response = client.get(f"{AUTH}/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_me_answers_the_signed_in_user(user_client: Client) -> None:
    assert user_client.get(f"{AUTH}/me").json()["data"]["email"] == "user@example.com"


def refresh(client: Client, token: str) -> Any:
    return client.post(f"{AUTH}/refresh", {"refresh_token": token}, content_type="application/json")


def test_login_returns_a_token_pair(client: Client, make_user: Callable[..., User]) -> None:
    make_user("pair@example.com")
    data = sign_in(client, "pair@example.com")
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 900
    assert client.get(f"{AUTH}/me").status_code == 200


def test_refresh_rotates_and_a_replayed_token_revokes_the_family(
    client: Client, make_user: Callable[..., User]
) -> None:
    make_user("rotate@example.com")
    first = sign_in(client, "rotate@example.com")["refresh_token"]
    second = refresh(client, first).json()["data"]["refresh_token"]
    replayed = refresh(client, first)
    assert replayed.status_code == 401
    assert refresh(client, second).status_code == 401  # the family went with the replay


def test_a_forged_token_is_refused(client: Client) -> None:
    response = client.get(f"{AUTH}/me", headers={"Authorization": "Bearer not.a.token"})
    assert response.status_code == 401


def test_logout_revokes_the_refresh_token(client: Client, make_user: Callable[..., User]) -> None:
    make_user("out@example.com")
    token = sign_in(client, "out@example.com")["refresh_token"]
    body = {"refresh_token": token}
    response = client.post(f"{AUTH}/logout", body, content_type="application/json")
    assert response.status_code == 200
    assert refresh(client, token).status_code == 401
