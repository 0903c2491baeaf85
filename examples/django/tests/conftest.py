"""Fixtures: pytest-django's test database (migrated from the migrations), a transaction
rolled back per test, and HTTP clients that go through every middleware."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from app.models.user import Role, User
from app.services import users as user_service

PASSWORD = "correct horse battery staple"


class CheapArgon2Hasher(Argon2PasswordHasher):
    """Argon2id at its lowest cost: these tests check behaviour, not hashing strength."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


@pytest.fixture(autouse=True)
def _test_settings(settings: SettingsWrapper) -> None:
    """Rate limits off (test_rate_limit.py turns them on), a known CORS origin, the test
    environment, cheap hashing; middleware reads them when a client is made."""
    settings.ENV = settings.ENV.model_copy(
        update={
            "environment": "test",
            "rate_limit_enabled": False,
            "cors_origins": ["https://app.example.com"],
            "trusted_proxies": [],
        }
    )
    settings.PASSWORD_HASHERS = ["tests.conftest.CheapArgon2Hasher"]


@pytest.fixture
def client(db: None) -> Client:
    """An anonymous client."""
    return Client()


def sign_in(client: Client, email: str, password: str = PASSWORD) -> dict[str, Any]:
    """Log `client` in; returns the login's `data`."""
    response = client.post(
        "/api/v1/auth/login",
        {"email": email, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()["data"]
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {data['access_token']}"
    return data


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """Create a user with a role."""

    def make(email: str, role: Role = Role.USER) -> User:
        return user_service.create_user(email=email, password=PASSWORD, role=role)

    return make


@pytest.fixture
def make_client(make_user: Callable[..., User]) -> Callable[..., Client]:
    """Create a user with a role and return a client signed in as them."""

    def make(email: str, role: Role = Role.USER) -> Client:
        make_user(email, role)
        signed_in = Client()
        sign_in(signed_in, email)
        return signed_in

    return make


@pytest.fixture
def user_client(make_client: Callable[..., Client]) -> Client:
    """A client signed in as a plain user."""
    return make_client("user@example.com")


@pytest.fixture
def admin_client(make_client: Callable[..., Client]) -> Client:
    """A client signed in as an admin."""
    return make_client("admin@example.com", Role.ADMIN)
