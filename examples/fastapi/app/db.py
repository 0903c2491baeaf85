"""The async engine and the session factory, built once per application."""

from contextvars import ContextVar

from sqlalchemy import Connection, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from app.config import Settings

# Set per request by the session dependency. On SQLite, a request that may write takes
# the write lock at BEGIN: upgrading a read transaction later fails at once (database
# is locked) when another request wrote meanwhile, where waiting for the lock works.
writes_expected: ContextVar[bool] = ContextVar("writes_expected", default=False)


def create_engine(settings: Settings) -> AsyncEngine:
    """An engine with a pool sized from settings."""
    engine = create_async_engine(
        settings.async_database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_pre_ping=True,
        pool_recycle=3600,
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        event.listen(engine.sync_engine, "begin", _begin_sqlite)
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


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
