"""Fixtures: one migrated database per run, one rolled-back transaction per test."""

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from app.config import Settings, get_settings
from app.db import create_engine
from app.main import create_app
from app.models.user import Role
from app.services import passwords
from app.services import users as user_service

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", autouse=True)
def _hermetic_settings() -> Iterator[None]:
    """Settings come from the tests and the environment, never from the developer's `.env`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(Settings.model_config, "env_file", None)
        patch.setenv("ENVIRONMENT", "test")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """DATABASE_URL when set, else a fresh SQLite file."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db')}/test.db"


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Test settings; rate limiting is off except where a test turns it on."""
    return Settings(
        _env_file=None,
        environment="test",
        database_url=database_url,
        rate_limit_enabled=False,
        cors_origins=["https://app.example.com"],
    )


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2id at its lowest cost: these tests check behaviour, not hashing strength."""
    with pytest.MonkeyPatch.context() as patch:
        cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        patch.setattr(passwords, "_hasher", cheap)
        yield


@pytest.fixture(scope="session", autouse=True)
def _migrated(database_url: str, _hermetic_settings: None) -> Iterator[None]:
    """Migrate to head once; migrations are the only source of the schema."""
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = database_url
    get_settings.cache_clear()
    config = Config(PROJECT_ROOT / "alembic.ini")
    config.attributes["skip_logging"] = True
    command.upgrade(config, "heads")
    yield
    if previous is None:
        del os.environ["DATABASE_URL"]
    else:
        os.environ["DATABASE_URL"] = previous
    get_settings.cache_clear()


@pytest.fixture
async def connection(settings: Settings) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test."""
    engine = create_engine(settings)
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()
    await engine.dispose()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions whose commits become savepoints of the test's transaction."""
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def make_app(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Callable[..., FastAPI]]:
    """Build the app for these settings (with overrides), bound to the test transaction."""
    apps: list[FastAPI] = []

    def make(**overrides: object) -> FastAPI:
        app = create_app(settings.model_copy(update=overrides))
        app.state.sessionmaker = sessionmaker
        apps.append(app)
        return app

    yield make
    for app in apps:  # the transport runs no lifespan: run each app's shutdown here
        async with app.router.lifespan_context(app):
            pass


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    """The app under test."""
    return make_app()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """An anonymous HTTP client."""
    async with client_for(app) as anonymous:
        yield anonymous


def client_for(app: FastAPI, client_ip: str = "127.0.0.1") -> AsyncClient:
    """An HTTP client that calls `app` in-process, as if from `client_ip`."""
    transport = ASGITransport(app=app, client=(client_ip, 50000))
    return AsyncClient(transport=transport, base_url="http://testserver")


async def _sign_in(client: AsyncClient, email: str) -> None:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['data']['access_token']}"


@pytest.fixture
async def make_client(
    app: FastAPI, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Callable[..., Awaitable[AsyncClient]]]:
    """Create a user with a role and return a client signed in as them."""
    clients: list[AsyncClient] = []

    async def make(email: str, role: Role = Role.USER) -> AsyncClient:
        async with sessionmaker() as session:
            await user_service.create_user(session, email=email, password=PASSWORD, role=role)
            await session.commit()
        signed_in = client_for(app)
        clients.append(signed_in)
        await _sign_in(signed_in, email)
        return signed_in

    yield make
    for signed_in in clients:
        await signed_in.aclose()


@pytest.fixture
async def user_client(make_client: Callable[..., Awaitable[AsyncClient]]) -> AsyncClient:
    """A client signed in as a plain user."""
    return await make_client("user@example.com")


@pytest.fixture
async def admin_client(make_client: Callable[..., Awaitable[AsyncClient]]) -> AsyncClient:
    """A client signed in as an admin."""
    return await make_client("admin@example.com", Role.ADMIN)
