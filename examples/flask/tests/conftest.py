"""Fixtures: one migrated database per run, one rolled-back transaction per test."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from sqlalchemy import Connection
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app.config import Settings, get_settings
from app.db import build_engine
from app.extensions import db
from app.main import create_app
from app.models.user import Role
from app.routes.openapi import ContractOpenAPI
from app.services import passwords
from app.services import users as user_service
from tests.clients import ApiClient

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
def connection(settings: Settings) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    engine = build_engine(settings)
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()
    engine.dispose()


@pytest.fixture
def make_app(
    settings: Settings, connection: Connection
) -> Iterator[Callable[..., ContractOpenAPI]]:
    """Build the app for these settings (with overrides), bound to the test transaction."""
    apps: list[ContractOpenAPI] = []

    def make(**overrides: object) -> ContractOpenAPI:
        app = create_app(settings.model_copy(update=overrides))
        app.test_client_class = ApiClient
        # The services' commits become savepoints of the test's transaction.
        app.extensions["database"].sessions = scoped_session(
            sessionmaker(
                bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
        )
        apps.append(app)
        return app

    yield make
    for app in apps:  # the readiness probe used the app's own pool
        db.dispose(app)


@pytest.fixture
def app(make_app: Callable[..., ContractOpenAPI]) -> ContractOpenAPI:
    """The app under test."""
    return make_app()


@pytest.fixture
def db_session(app: ContractOpenAPI) -> Iterator[Session]:
    """The session the services use, inside an application context, for direct checks."""
    with app.app_context():
        session: Session = app.extensions["database"].sessions()
        yield session


@pytest.fixture
def client(app: ContractOpenAPI) -> ApiClient:
    """An anonymous HTTP client."""
    return client_for(app)


def client_for(app: ContractOpenAPI, client_ip: str = "127.0.0.1") -> ApiClient:
    """A client that calls `app` in-process, as if from `client_ip`."""
    client = app.test_client()
    assert isinstance(client, ApiClient)
    client.environ_base["REMOTE_ADDR"] = client_ip
    return client


def _sign_in(client: ApiClient, email: str) -> None:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json['data']['access_token']}"


@pytest.fixture
def make_client(app: ContractOpenAPI) -> Callable[..., ApiClient]:
    """Create a user with a role and return a client signed in as them."""

    def make(email: str, role: Role = Role.USER) -> ApiClient:
        with app.app_context():
            user_service.create_user(email=email, password=PASSWORD, role=role)
        signed_in = client_for(app)
        _sign_in(signed_in, email)
        return signed_in

    return make


@pytest.fixture
def user_client(make_client: Callable[..., ApiClient]) -> ApiClient:
    """A client signed in as a plain user."""
    return make_client("user@example.com")


@pytest.fixture
def admin_client(make_client: Callable[..., ApiClient]) -> ApiClient:
    """A client signed in as an admin."""
    return make_client("admin@example.com", Role.ADMIN)
