"""Server-side sessions: cookie flags, rotation, logout and CSRF on unsafe methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .api import (
    CSRF_COOKIE,
    CSRF_HEADER,
    PASSWORD,
    USER_FIELDS,
    ApiClient,
    describe,
    expect_error,
    expect_success,
    new_email,
)

pytestmark = pytest.mark.auth_modes("session")


def set_cookies(response: httpx.Response) -> dict[str, dict[str, str]]:
    """The cookies a response sets: name -> {"value": ..., lower-cased attributes}."""
    cookies: dict[str, dict[str, str]] = {}
    for header in response.headers.get_list("set-cookie"):
        pair, *attributes = header.split(";")
        name, _, value = pair.strip().partition("=")
        parsed = {"value": value.strip('"')}
        for attribute in attributes:
            key, _, attr_value = attribute.strip().partition("=")
            parsed[key.lower()] = attr_value
        cookies[name] = parsed
    return cookies


def session_cookies(response: httpx.Response) -> dict[str, dict[str, str]]:
    """The cookies a login sets besides the CSRF token."""
    return {name: c for name, c in set_cookies(response).items() if name != CSRF_COOKIE}


def registered(new_client: Callable[[], ApiClient]) -> str:
    email = new_email()
    expect_success(new_client().register(email), 201)
    return email


def test_login_sets_an_httponly_samesite_lax_session_cookie(
    new_client: Callable[[], ApiClient],
) -> None:
    """Login answers with the user and a session cookie that scripts cannot read."""
    email = registered(new_client)
    response = new_client().login(email)
    user = expect_success(response)
    assert set(user) == USER_FIELDS
    assert user["email"] == email
    cookies = session_cookies(response)
    assert cookies, f"login set no session cookie: {response.headers.get_list('set-cookie')}"
    for name, cookie in cookies.items():
        assert "httponly" in cookie, f"session cookie {name} is not HttpOnly"
        assert cookie.get("samesite", "").lower() == "lax", f"{name}: SameSite {cookie}"
        assert cookie["value"], f"session cookie {name} is empty"


def test_session_id_is_rotated_at_every_login(new_client: Callable[[], ApiClient]) -> None:
    """Logging in again gives a new session id."""
    email = registered(new_client)
    client = new_client()
    first = session_cookies(expect_login(client, email))
    second = session_cookies(expect_login(client, email))
    assert set(first) == set(second)
    for name in first:
        assert first[name]["value"] != second[name]["value"], f"{name} was not rotated"


def expect_login(client: ApiClient, email: str) -> httpx.Response:
    response = client.login(email)
    expect_success(response)
    return response


def test_logout_removes_the_session_on_the_server(
    service: Any, new_client: Callable[[], ApiClient]
) -> None:
    """After logout the old session cookie, replayed by anyone, is 401."""
    email = registered(new_client)
    client = new_client()
    stolen = {name: c["value"] for name, c in session_cookies(expect_login(client, email)).items()}
    expect_success(client.post("/api/v1/auth/logout"))
    expect_error(client.get("/api/v1/auth/me"), "UNAUTHORIZED")
    with httpx.Client(
        base_url=service.base_url, cookies=stolen, headers={"X-Forwarded-For": client.ip}
    ) as replay:
        expect_error(replay.get("/api/v1/auth/me"), "UNAUTHORIZED")


def test_a_session_cookie_works_for_whoever_holds_it_before_logout(
    service: Any, new_client: Callable[[], ApiClient]
) -> None:
    """The control for the logout test: the same replay succeeds while logged in."""
    email = registered(new_client)
    client = new_client()
    held = {name: c["value"] for name, c in session_cookies(expect_login(client, email)).items()}
    with httpx.Client(
        base_url=service.base_url, cookies=held, headers={"X-Forwarded-For": client.ip}
    ) as replay:
        assert expect_success(replay.get("/api/v1/auth/me"))["email"] == email


@pytest.mark.parametrize("path", ["/health/live", "/api/v1/no-such-resource", "/api/v1/auth/me"])
def test_a_client_without_a_csrf_cookie_gets_one(service: Any, path: str) -> None:
    """Any response, success or error, gives a cookie-less client a readable csrftoken."""
    with httpx.Client(base_url=service.base_url) as client:
        response = client.get(path)
    cookie = set_cookies(response).get(CSRF_COOKIE)
    assert cookie is not None, f"no {CSRF_COOKIE} cookie: {describe(response)}"
    assert cookie["value"], "empty csrftoken"
    assert "httponly" not in cookie, "the CSRF cookie must be readable by scripts"


@pytest.mark.parametrize("token", [None, "wrong-token"], ids=["missing", "wrong"])
def test_login_and_register_need_the_csrf_token(
    new_client: Callable[[], ApiClient], token: str | None
) -> None:
    """Register and login without the X-CSRFToken (or with a wrong one) are 403."""
    email = registered(new_client)
    client = new_client()
    client.csrf_token()
    headers = {} if token is None else {CSRF_HEADER: token}
    body = {"email": email, "password": PASSWORD}
    new_body = {"email": new_email(), "password": PASSWORD}
    login = client.post("/api/v1/auth/login", json=body, csrf=False, headers=headers)
    expect_error(login, "FORBIDDEN")
    assert not session_cookies(login), "a refused login must not start a session"
    register = client.post("/api/v1/auth/register", json=new_body, csrf=False, headers=headers)
    expect_error(register, "FORBIDDEN")
    expect_error(new_client().login(new_body["email"]), "UNAUTHORIZED")


@pytest.mark.parametrize("token", [None, "wrong-token"], ids=["missing", "wrong"])
def test_unsafe_requests_of_a_logged_in_user_need_the_csrf_token(
    user: ApiClient, token: str | None
) -> None:
    """POST, PUT, PATCH, DELETE and logout without a matching X-CSRFToken are 403."""
    item = user.create_item("guarded")
    url = f"/api/v1/items/{item['id']}"
    headers = {} if token is None else {CSRF_HEADER: token}
    attempts = [
        user.post("/api/v1/items", json={"name": "x"}, csrf=False, headers=headers),
        user.put(url, json={"name": "x"}, csrf=False, headers=headers),
        user.patch(url, json={"name": "x"}, csrf=False, headers=headers),
        user.delete(url, csrf=False, headers=headers),
        user.post("/api/v1/auth/logout", csrf=False, headers=headers),
    ]
    for response in attempts:
        expect_error(response, "FORBIDDEN")
    assert expect_success(user.get(url)) == item
    expect_success(user.get("/api/v1/auth/me"))


def test_another_clients_csrf_token_is_refused(
    new_client: Callable[[], ApiClient], user: ApiClient
) -> None:
    """The header must match this client's own cookie, not just any issued token."""
    other_token = new_client().csrf_token()
    assert other_token != user.csrf_token()
    response = user.post(
        "/api/v1/items", json={"name": "x"}, csrf=False, headers={CSRF_HEADER: other_token}
    )
    expect_error(response, "FORBIDDEN")


def test_safe_methods_need_no_csrf_token(user: ApiClient) -> None:
    """GET works without X-CSRFToken."""
    response = user.http.get("/api/v1/auth/me")
    assert CSRF_HEADER not in response.request.headers
    expect_success(response)


def test_deactivation_ends_every_session_for_good(
    admin: ApiClient, new_client: Callable[[], ApiClient]
) -> None:
    """Sessions started before a deactivation stay dead after reactivation."""
    email = registered(new_client)
    laptop, phone = new_client(), new_client()
    expect_login(laptop, email)
    expect_login(phone, email)
    user_id = expect_success(laptop.get("/api/v1/auth/me"))["id"]
    url = f"/api/v1/users/{user_id}"
    expect_success(admin.patch(url, json={"is_active": False}))
    expect_success(admin.patch(url, json={"is_active": True}))
    for client in (laptop, phone):
        expect_error(client.get("/api/v1/auth/me"), "UNAUTHORIZED")
    expect_login(laptop, email)  # a new login works again
    expect_success(laptop.get("/api/v1/auth/me"))


def test_deleting_a_user_ends_their_sessions(
    admin: ApiClient, new_client: Callable[[], ApiClient]
) -> None:
    """After the account is deleted its session cookie is refused."""
    email = registered(new_client)
    client = new_client()
    expect_login(client, email)
    user_id = expect_success(client.get("/api/v1/auth/me"))["id"]
    deleted = admin.delete(f"/api/v1/users/{user_id}")
    assert deleted.status_code == 204, describe(deleted)
    expect_error(client.get("/api/v1/auth/me"), "UNAUTHORIZED")
