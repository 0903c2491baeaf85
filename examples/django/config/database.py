"""DATABASE_URL to Django's DATABASES entry, for the URL forms people paste.

Plain URLs (`sqlite:///./file.db`) and the SQLAlchemy spellings
with a driver (`sqlite+aiosqlite:///./file.db`) both work: the driver part is ignored.
"""

from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
}
# Every write takes the lock up front: concurrent writers wait instead of failing.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 10,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_config(url: str) -> dict[str, Any]:
    """The `DATABASES["default"]` entry for `url`."""
    parts = urlsplit(url)
    backend = parts.scheme.split("+")[0]
    if backend not in ENGINES:
        supported = ", ".join(sorted(ENGINES))
        msg = f"DATABASE_URL: unsupported database {backend!r}; this service supports: {supported}"
        raise ImproperlyConfigured(msg)
    # sqlite:///relative.db and sqlite:////absolute.db: one slash belongs to the URL.
    return {
        "ENGINE": ENGINES[backend],
        "NAME": unquote(parts.path[1:]),
        "OPTIONS": SQLITE_OPTIONS,
    }
