"""JWT: the token pair, refresh rotation with reuse detection, revocation, forgeries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from .api import ApiClient, expect_error, expect_success

pytestmark = pytest.mark.auth_modes("jwt")

HMAC_ALGORITHMS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_json(segment: str) -> dict[str, Any]:
    padded = segment + "=" * (-len(segment) % 4)
    return dict(json.loads(base64.urlsafe_b64decode(padded)))


def encode(header: dict[str, Any], claims: dict[str, Any], key: str | None) -> str:
    """A compact JWT; signed with HMAC when `key` is given, unsigned otherwise."""
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    if key is None:
        return signing_input + "."
    digest = HMAC_ALGORITHMS[header["alg"]]
    signature = hmac.new(key.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64url(signature)}"


def me_with(client: ApiClient, token: str) -> Any:
    """GET /auth/me with exactly this bearer token."""
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


def refresh(client: ApiClient, token: str) -> Any:
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token}, bearer=False)


def test_login_returns_a_bearer_token_pair(new_client: Callable[[], ApiClient]) -> None:
    """Login data: access and refresh tokens, token_type bearer, expires_in seconds."""
    client = new_client()
    user = client.sign_up()
    data = expect_success(client.login(user["email"]))
    assert set(data) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert data["token_type"] == "bearer"
    assert isinstance(data["expires_in"], int)
    assert 0 < data["expires_in"] <= 3600, "access tokens must be short-lived"
    assert data["access_token"] != data["refresh_token"]


def test_access_token_carries_the_standard_claims(user: ApiClient) -> None:
    """The access token is a signed JWT with sub, exp, iat and jti; exp is in the future."""
    assert user.access_token is not None
    header = b64url_json(user.access_token.split(".")[0])
    claims = b64url_json(user.access_token.split(".")[1])
    assert header["alg"].lower() != "none"
    assert {"sub", "exp", "iat", "jti"} <= set(claims)
    assert claims["exp"] > time.time() > claims["iat"] - 60


def test_refresh_rotates_the_pair(user: ApiClient) -> None:
    """Refresh gives a new pair; the new access token works; the old refresh is spent."""
    old_refresh = user.refresh_token
    assert old_refresh is not None
    data = expect_success(refresh(user, old_refresh))
    assert {"access_token", "refresh_token", "token_type", "expires_in"} <= set(data)
    assert data["refresh_token"] != old_refresh
    assert data["access_token"] != user.access_token
    assert expect_success(me_with(user, data["access_token"]))["id"] == user.user["id"]
    expect_error(refresh(user, old_refresh), "UNAUTHORIZED")


def test_replaying_a_rotated_refresh_token_revokes_its_family(user: ApiClient) -> None:
    """Reuse of a spent refresh token also kills the newest one of the same family."""
    first = user.refresh_token
    assert first is not None
    second = expect_success(refresh(user, first))["refresh_token"]
    expect_error(refresh(user, first), "UNAUTHORIZED")
    expect_error(refresh(user, second), "UNAUTHORIZED")


def test_logout_with_a_refresh_token_revokes_it(user: ApiClient) -> None:
    """Logout {"refresh_token"} makes that refresh token unusable."""
    token = user.refresh_token
    expect_success(user.post("/api/v1/auth/logout", json={"refresh_token": token}))
    assert token is not None
    expect_error(refresh(user, token), "UNAUTHORIZED")


def test_logout_without_a_body_revokes_every_refresh_token(
    new_client: Callable[[], ApiClient],
) -> None:
    """Logout with no body ends all of the user's logins."""
    laptop = new_client()
    user = laptop.sign_up()
    phone = new_client()
    expect_success(phone.login(user["email"]))
    expect_success(laptop.post("/api/v1/auth/logout"))
    for client in (laptop, phone):
        assert client.refresh_token is not None
        expect_error(refresh(client, client.refresh_token), "UNAUTHORIZED")


def test_logout_needs_the_bearer_token(user: ApiClient) -> None:
    """Logout without Authorization is 401 and revokes nothing."""
    token = user.refresh_token
    response = user.post("/api/v1/auth/logout", json={"refresh_token": token}, bearer=False)
    expect_error(response, "UNAUTHORIZED")
    assert token is not None
    expect_success(refresh(user, token))


def test_unknown_refresh_token_is_unauthorized(anonymous: ApiClient) -> None:
    """A made-up refresh token is 401."""
    expect_error(refresh(anonymous, "not-a-real-token"), "UNAUTHORIZED")


def test_refresh_token_is_not_an_access_token(user: ApiClient) -> None:
    """Sending the refresh token as bearer is 401."""
    assert user.refresh_token is not None
    expect_error(me_with(user, user.refresh_token), "UNAUTHORIZED")


def test_access_token_is_not_a_refresh_token(user: ApiClient) -> None:
    """Sending the access token to /auth/refresh is 401."""
    assert user.access_token is not None
    expect_error(refresh(user, user.access_token), "UNAUTHORIZED")


def test_tampered_claims_are_rejected(new_user: Callable[[], ApiClient]) -> None:
    """Changing `sub` to another user's id while keeping the signature is 401."""
    victim, attacker = new_user(), new_user()
    assert attacker.access_token is not None
    assert victim.user is not None
    header, claims, signature = attacker.access_token.split(".")
    forged_claims = {**b64url_json(claims), "sub": str(victim.user["id"])}
    forged = f"{header}.{b64url(json.dumps(forged_claims).encode())}.{signature}"
    expect_error(me_with(attacker, forged), "UNAUTHORIZED")


def test_forged_signature_is_rejected(user: ApiClient) -> None:
    """The same claims signed with another key are 401."""
    assert user.access_token is not None
    header, claims, _ = user.access_token.split(".")
    alg = b64url_json(header)["alg"]
    if alg not in HMAC_ALGORITHMS:
        alg = "HS256"
    forged = encode({"alg": alg, "typ": "JWT"}, b64url_json(claims), "not-the-server-key" * 3)
    expect_error(me_with(user, forged), "UNAUTHORIZED")


def test_unsigned_alg_none_token_is_rejected(user: ApiClient) -> None:
    """`alg: none` with valid claims is 401."""
    assert user.access_token is not None
    claims = b64url_json(user.access_token.split(".")[1])
    for alg in ("none", "None", "NONE"):
        expect_error(
            me_with(user, encode({"alg": alg, "typ": "JWT"}, claims, None)), "UNAUTHORIZED"
        )


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "Bearer", "e30.e30."])
def test_malformed_bearer_token_is_rejected(anonymous: ApiClient, token: str) -> None:
    """Garbage in the Authorization header is 401, never a 500."""
    expect_error(me_with(anonymous, token), "UNAUTHORIZED")


def test_wrong_authorization_scheme_is_rejected(user: ApiClient) -> None:
    """A valid token under a non-Bearer scheme is 401."""
    response = user.get("/api/v1/auth/me", headers={"Authorization": f"Basic {user.access_token}"})
    expect_error(response, "UNAUTHORIZED")


def test_expired_access_token_is_rejected(service: Any, user: ApiClient) -> None:
    """An access token whose exp has passed is 401 (even if correctly signed).

    The suite re-signs the service's own claims with SECRET_KEY; a control
    token with only its signature redone must still be accepted.
    """
    assert user.access_token is not None
    header_segment, claims_segment, _ = user.access_token.split(".")
    header, claims = b64url_json(header_segment), b64url_json(claims_segment)
    if header.get("alg") not in HMAC_ALGORITHMS:
        pytest.skip(f"tokens use {header.get('alg')}: the suite can only re-sign HMAC tokens")
    control = encode(header, claims, service.secret_key)
    if me_with(user, control).status_code != 200:
        pytest.skip("the service does not sign with SECRET_KEY itself: cannot forge an expiry")
    now = int(time.time())
    expired = encode(header, {**claims, "iat": now - 7200, "exp": now - 3600}, service.secret_key)
    expect_error(me_with(user, expired), "UNAUTHORIZED")


def test_deactivation_revokes_refresh_tokens_for_good(admin: ApiClient, user: ApiClient) -> None:
    """Refresh tokens issued before a deactivation stay dead after reactivation."""
    assert user.user is not None
    assert user.refresh_token is not None
    url = f"/api/v1/users/{user.user['id']}"
    expect_success(admin.patch(url, json={"is_active": False}))
    expect_success(admin.patch(url, json={"is_active": True}))
    expect_error(refresh(user, user.refresh_token), "UNAUTHORIZED")
    expect_success(user.login(user.user["email"]))  # a new login works again


def test_deleting_a_user_revokes_their_refresh_tokens(admin: ApiClient, user: ApiClient) -> None:
    """After the account is deleted its refresh token is refused."""
    assert user.user is not None
    assert user.refresh_token is not None
    deleted = admin.delete(f"/api/v1/users/{user.user['id']}")
    assert deleted.status_code == 204
    expect_error(refresh(user, user.refresh_token), "UNAUTHORIZED")
