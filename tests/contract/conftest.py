"""Clients for the contract suite.

The suite needs one fixture from outside: `service`, a running service with
`base_url`, `auth` (jwt, session or none), `admin_email`, `admin_password`,
`secret_key`, `cors_origin` and `max_body_bytes`. Everything else is HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .api import ApiClient, expect_success


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "auth_modes(*modes): the test applies only to services with these auth modes"
    )


@pytest.fixture(autouse=True)
def _applies_to_auth_mode(request: pytest.FixtureRequest) -> None:
    """Skip a test marked for other auth modes (when the provider did not filter)."""
    marker = request.node.get_closest_marker("auth_modes")
    if marker is None:
        return
    auth = request.getfixturevalue("service").auth
    if auth not in marker.args:
        pytest.skip(f"applies to auth {marker.args}, the service uses {auth!r}")


@pytest.fixture
def new_client(service: Any) -> Iterator[Callable[[], ApiClient]]:
    """A factory of anonymous clients, each from its own address."""
    clients: list[ApiClient] = []

    def factory() -> ApiClient:
        client = ApiClient(service.base_url, service.auth)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def anonymous(new_client: Callable[[], ApiClient]) -> ApiClient:
    """A client with no credentials."""
    return new_client()


@pytest.fixture
def new_user(new_client: Callable[[], ApiClient]) -> Callable[[], ApiClient]:
    """A factory of clients logged in as freshly registered users."""

    def factory() -> ApiClient:
        client = new_client()
        client.sign_up()
        return client

    return factory


@pytest.fixture
def user(service: Any, new_user: Callable[[], ApiClient]) -> ApiClient:
    """A client logged in as a freshly registered user."""
    if service.auth == "none":
        pytest.skip("the service has no users (auth none)")
    return new_user()


@pytest.fixture(scope="session")
def admin(service: Any) -> Iterator[ApiClient]:
    """A client logged in as the admin that `make admin` created (shared: never mutated)."""
    if service.auth == "none":
        pytest.skip("the service has no users (auth none)")
    client = ApiClient(service.base_url, service.auth)
    expect_success(client.login(service.admin_email, service.admin_password))
    client.user = expect_success(client.get("/api/v1/auth/me"))
    yield client
    client.close()


@pytest.fixture(scope="session")
def actor(service: Any) -> Iterator[ApiClient]:
    """A client allowed to create items: anonymous with auth none, else one user.

    Shared by the tests that only need somebody to create items as (a password
    hash per test would dominate the run); tests that count or log out make
    their own users.
    """
    client = ApiClient(service.base_url, service.auth)
    if service.auth != "none":
        client.sign_up()
    yield client
    client.close()


@pytest.fixture
def fresh_actor(service: Any, new_client: Callable[[], ApiClient]) -> ApiClient:
    """Like `actor`, but a new client (and user) of its own."""
    client = new_client()
    if service.auth != "none":
        client.sign_up()
    return client
