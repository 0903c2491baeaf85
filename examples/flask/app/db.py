"""The database extension: one engine per application, one session per request."""

from contextvars import ContextVar

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from app.config import Settings

# Set per request (app/main.py). On SQLite, a request that may write takes the write lock
# at BEGIN: upgrading a read transaction later fails at once (database is locked) when
# another request wrote meanwhile, where waiting for the lock works.
writes_expected: ContextVar[bool] = ContextVar("writes_expected", default=False)


def build_engine(settings: Settings) -> Engine:
    """An engine with a pool sized from settings."""
    engine = create_engine(
        settings.sqlalchemy_database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_pre_ping=True,
        pool_recycle=3600,
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    return engine


def _configure_sqlite(connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # Foreign keys are off by default; WAL lets readers run beside a writer. The driver's
    # own transaction handling breaks SAVEPOINT, so SQLAlchemy emits BEGIN itself.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes_expected.get() else "BEGIN")


class _State:
    """What the extension keeps per application."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # One session per thread (gunicorn's threads), kept until the app context ends.
        self.sessions = scoped_session(sessionmaker(engine, expire_on_commit=False))


class Database:
    """SQLAlchemy for Flask: created unbound, bound to an application with `init_app`.

    Services reach the request's session through `db.session`; it is removed (and any
    transaction a service left open rolled back) when the application context ends.
    """

    def init_app(self, app: Flask, settings: Settings) -> None:
        """Build the application's engine and session registry."""
        state = _State(build_engine(settings))
        app.extensions["database"] = state
        app.teardown_appcontext(lambda _exc: state.sessions.remove())

    @staticmethod
    def _state() -> _State:
        state: _State = current_app.extensions["database"]
        return state

    @property
    def engine(self) -> Engine:
        """The current application's engine."""
        return self._state().engine

    @property
    def session(self) -> Session:
        """The session of the current request (or CLI command)."""
        return self._state().sessions()

    def dispose(self, app: Flask) -> None:
        """Close the application's pooled connections."""
        app.extensions["database"].engine.dispose()
