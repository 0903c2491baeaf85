"""Authentication: register, sign in, token rotation, sign out."""

from collections.abc import Callable
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import cli
from app.config import Settings
from app.extensions import db
from app.main import create_app
from app.models.refresh_token import RefreshToken
from app.routes.openapi import ContractOpenAPI
from app.services import tokens as token_service
from app.services import users as user_service
from app.utils.time import utcnow
from tests.clients import ApiClient
from tests.conftest import PASSWORD

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
LOGOUT = "/api/v1/auth/logout"
REFRESH = "/api/v1/auth/refresh"


def _login(client: ApiClient, email: str = "ann@example.com") -> dict[str, str]:
    response = client.post(LOGIN, json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json["data"]
    return tokens


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def registered(client: ApiClient) -> dict[str, object]:
    """A freshly registered user."""
    body = {"email": "Ann@Example.com", "password": PASSWORD}
    response = client.post(REGISTER, json=body)
    assert response.status_code == 201, response.text
    user: dict[str, object] = response.json["data"]
    return user


def test_register_creates_a_plain_user(client: ApiClient, registered: dict[str, object]) -> None:
    assert registered["email"] == "ann@example.com"
    assert registered["role"] == "user"
    assert "password" not in str(registered)
    body = {"email": "zed@example.com", "password": PASSWORD}
    response = client.post(REGISTER, json=body)
    assert response.headers["Location"] == f"/api/v1/users/{response.json['data']['id']}"


@pytest.mark.usefixtures("registered")
def test_register_refuses_a_taken_email_in_any_case(client: ApiClient) -> None:
    body = {"email": "ANN@example.com", "password": PASSWORD}
    response = client.post(REGISTER, json=body)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "CONFLICT"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "new@example.com", "password": "short"}, "password"),
        ({"email": "new@example.com"}, "password"),
    ],
)
def test_register_validates_fields(client: ApiClient, body: dict[str, str], field: str) -> None:
    response = client.post(REGISTER, json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["details"]


@pytest.mark.usefixtures("registered")
def test_login_failures_do_not_reveal_whether_the_account_exists(
    client: ApiClient,
) -> None:
    wrong = {"email": "ann@example.com", "password": "not the password"}
    unknown = {"email": "who@example.com", "password": "not the password"}
    wrong_password = client.post(LOGIN, json=wrong)
    unknown_email = client.post(LOGIN, json=unknown)
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json["error"] == unknown_email.json["error"]


def test_me_requires_authentication(client: ApiClient) -> None:
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "UNAUTHORIZED"


def test_login_checks_credentials_not_the_password_policy(
    app: ContractOpenAPI, client: ApiClient
) -> None:
    # Accounts made under an older, laxer policy: shorter and longer than today's bounds.
    with app.app_context():
        user_service.create_user(email="old@example.com", password="five5")
        user_service.create_user(email="long@example.com", password="p" * 200)
    for email, password in (("old@example.com", "five5"), ("long@example.com", "p" * 200)):
        wrong = client.post(LOGIN, json={"email": email, "password": password[:-1]})
        right = client.post(LOGIN, json={"email": email, "password": password})
        assert (wrong.status_code, right.status_code) == (401, 200), wrong.text


def test_login_refuses_a_huge_password_before_hashing_it(client: ApiClient) -> None:
    response = client.post(LOGIN, json={"email": "a@example.com", "password": "p" * 100_000})
    assert response.status_code == 422
    assert "password" in response.json["error"]["details"]


@pytest.mark.usefixtures("registered")
def test_login_returns_a_token_pair_that_authenticates(client: ApiClient) -> None:
    tokens = _login(client, "ANN@example.com")
    assert tokens["token_type"] == "bearer"
    assert int(tokens["expires_in"]) > 0
    response = client.get(ME, headers=_bearer(tokens["access_token"]))
    assert response.status_code == 200
    assert response.json["data"]["email"] == "ann@example.com"


@pytest.mark.usefixtures("registered")
def test_refresh_rotates_the_pair(client: ApiClient) -> None:
    tokens = _login(client)
    response = client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200
    rotated = response.json["data"]
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert client.get(ME, headers=_bearer(rotated["access_token"])).status_code == 200


@pytest.mark.usefixtures("registered")
def test_replaying_a_rotated_refresh_token_revokes_the_family(client: ApiClient) -> None:
    tokens = _login(client)
    first = client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    newest = first.json["data"]["refresh_token"]
    replay = client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert replay.status_code == 401
    assert client.post(REFRESH, json={"refresh_token": newest}).status_code == 401


@pytest.mark.usefixtures("registered")
def test_logout_revokes_the_refresh_token(client: ApiClient) -> None:
    tokens = _login(client)
    response = client.post(
        LOGOUT,
        json={"refresh_token": tokens["refresh_token"]},
        headers=_bearer(tokens["access_token"]),
    )
    assert response.status_code == 200
    refreshed = client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401


@pytest.mark.usefixtures("registered")
def test_logout_without_a_body_revokes_every_refresh_token(client: ApiClient) -> None:
    first, second = _login(client), _login(client)
    response = client.post(LOGOUT, headers=_bearer(first["access_token"]))
    assert response.status_code == 200
    for tokens in (first, second):
        refreshed = client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
        assert refreshed.status_code == 401


def _token(settings: Settings, **claims: object) -> str:
    now = utcnow()
    base: dict[str, object] = {
        "sub": "1",
        "jti": "x",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    return jwt.encode({**base, **claims}, settings.secret_key, algorithm="HS256")


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda s: _token(s, exp=utcnow() - timedelta(seconds=1)), id="expired"),
        pytest.param(lambda s: _token(s)[:-4] + "AAAA", id="forged-signature"),
        pytest.param(lambda s: jwt.encode({"sub": "1"}, s.secret_key), id="missing-claims"),
        pytest.param(
            lambda s: jwt.encode({"sub": "1"}, None, algorithm="none"),
            id="alg-none",
        ),
    ],
)
def test_bad_access_tokens_are_refused(
    client: ApiClient, settings: Settings, make_token: Callable[[Settings], str]
) -> None:
    response = client.get(ME, headers=_bearer(make_token(settings)))
    assert response.status_code == 401


def _deactivate_and_reactivate(admin: ApiClient, user_id: object) -> None:
    for active in (False, True):
        response = admin.patch(f"/api/v1/users/{user_id}", json={"is_active": active})
        assert response.status_code == 200, response.text


def test_deactivation_revokes_refresh_tokens_for_good(
    client: ApiClient, registered: dict[str, object], admin_client: ApiClient
) -> None:
    tokens = _login(client)
    _deactivate_and_reactivate(admin_client, registered["id"])
    refreshed = client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401
    _login(client)  # only the old sign-ins ended


def test_deleting_a_user_ends_their_refresh_tokens(
    client: ApiClient, registered: dict[str, object], admin_client: ApiClient
) -> None:
    tokens = _login(client)
    assert admin_client.delete(f"/api/v1/users/{registered['id']}").status_code == 204
    refreshed = client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401


@pytest.mark.usefixtures("registered")
def test_purge_deletes_only_expired_refresh_tokens(client: ApiClient, db_session: Session) -> None:
    _login(client)
    _login(client)
    query = select(RefreshToken).order_by(RefreshToken.id)
    expired, live = db_session.scalars(query).all()
    expired.expires_at = utcnow() - timedelta(seconds=1)
    db_session.flush()
    assert token_service.purge_expired_refresh_tokens() == 1
    assert db_session.scalars(select(RefreshToken.id)).all() == [live.id]


def test_purge_expired_command_deletes_what_expired(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command commits through its own app: seed committed rows, remove them after.
    outside_the_test_transaction = create_app(settings)
    with outside_the_test_transaction.app_context():
        user = user_service.create_user(email="purge@example.com", password=PASSWORD)
        committed = outside_the_test_transaction.extensions["database"].sessions()
        committed.add(
            RefreshToken(
                user_id=user.id,
                token_hash="0" * 64,
                family_id="0" * 32,
                expires_at=utcnow() - timedelta(seconds=1),
            )
        )
        committed.commit()
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    try:
        assert cli.purge_expired() == 0
        assert capsys.readouterr().out == "Purged 1 expired refresh tokens.\n"
    finally:
        with outside_the_test_transaction.app_context():
            user_service.delete_user(user_id=user.id)
        db.dispose(outside_the_test_transaction)
