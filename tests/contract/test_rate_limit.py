"""Rate limits per client on login and register (the real defaults: 10 per minute)."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from .api import PASSWORD, ApiClient, describe, expect_error, fake_ip, new_email

pytestmark = pytest.mark.auth_modes("jwt", "session")

AUTH_LIMIT = 10  # RATE_LIMIT_AUTH's default, "10/minute"
# A fixed window can straddle a minute boundary and let up to twice the limit through.
MAX_ATTEMPTS = 2 * AUTH_LIMIT + 1


def early_in_a_window(needed_seconds: float = 40.0) -> None:
    """Wait for the next minute when this one has too little left: a window that turns
    over between the 429 and the next request lets that request through."""
    left = 60.0 - time.time() % 60.0
    if left < needed_seconds:
        time.sleep(left + 0.5)


def hammer(send: Callable[[], httpx.Response]) -> tuple[int, httpx.Response]:
    """Send until the first 429; how many got through, and the 429 itself."""
    for attempt in range(MAX_ATTEMPTS):
        response = send()
        if response.status_code == 429:
            return attempt, response
    pytest.fail(f"no 429 after {MAX_ATTEMPTS} requests; last: {describe(response)}")


def assert_rate_limited(response: httpx.Response) -> None:
    """RATE_LIMITED in the envelope, with Retry-After in whole seconds."""
    expect_error(response, "RATE_LIMITED")
    retry_after = response.headers.get("Retry-After", "")
    assert retry_after.isdigit(), f"Retry-After {retry_after!r} is not whole seconds"
    assert 1 <= int(retry_after) <= 60, f"Retry-After {retry_after} for a per-minute limit"


def test_login_is_limited_per_client(new_client: Callable[[], ApiClient]) -> None:
    """After about 10 logins a minute one client gets 429; another client does not."""
    noisy = new_client()
    email = new_email()
    allowed, limited = hammer(lambda: noisy.login(email, "wrong password"))
    assert allowed >= AUTH_LIMIT, f"only {allowed} logins allowed before 429"
    assert_rate_limited(limited)
    expect_error(new_client().login(email, "wrong password"), "UNAUTHORIZED")


def test_register_is_limited_per_client(new_client: Callable[[], ApiClient]) -> None:
    """Registration has the same per-client limit."""
    noisy = new_client()
    allowed, limited = hammer(lambda: noisy.register(new_email()))
    assert allowed >= AUTH_LIMIT, f"only {allowed} registrations allowed before 429"
    assert_rate_limited(limited)
    response = new_client().register(new_email())
    assert response.status_code == 201, describe(response)


def test_a_limited_client_is_refused_even_with_the_right_password(
    new_client: Callable[[], ApiClient],
) -> None:
    """The limit holds whatever the credentials: no guessing through it."""
    owner = new_client()
    user = owner.sign_up()
    attacker = new_client()
    early_in_a_window()
    hammer(lambda: attacker.login(user["email"], "guess"))
    assert_rate_limited(attacker.login(user["email"], PASSWORD))


def test_a_forged_forwarded_for_does_not_escape_the_login_limit(
    new_client: Callable[[], ApiClient],
) -> None:
    """The client is the rightmost X-Forwarded-For hop no trusted proxy owns: addresses a
    client writes to the left of the one its proxy appends change nothing."""
    attacker = new_client()
    email = new_email()

    def forged_login() -> httpx.Response:
        forged = {"X-Forwarded-For": f"{fake_ip()}, {attacker.ip}"}
        body = {"email": email, "password": "wrong password"}
        return attacker.post("/api/v1/auth/login", json=body, headers=forged)

    early_in_a_window()
    _, limited = hammer(forged_login)
    assert_rate_limited(limited)
    for _ in range(6):
        assert_rate_limited(forged_login())


def test_other_routes_are_not_held_to_the_auth_limit(user: ApiClient) -> None:
    """A logged-in client can make more than 10 ordinary requests a minute."""
    for _ in range(AUTH_LIMIT + 5):
        response = user.get("/api/v1/auth/me")
        assert response.status_code == 200, describe(response)
