"""Argon2id password hashing, a few hashes at a time.

Each hash holds 64 MiB while it runs: at most PASSWORD_HASH_CONCURRENCY at once per
process, so a burst of logins queues here instead of multiplying that memory by the
number of server threads.
"""

import threading
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.config import Settings
from app.config.settings import default_hash_concurrency

# argon2-cffi's defaults are Argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()
_limiter = threading.BoundedSemaphore(default_hash_concurrency())


def configure_hashing(settings: Settings) -> None:
    """Let PASSWORD_HASH_CONCURRENCY hashes run at once (the app factory calls this)."""
    global _limiter  # noqa: PLW0603 (one limiter per process, sized once at start)
    _limiter = threading.BoundedSemaphore(settings.password_hash_concurrency)


def hash_password(password: str) -> str:
    """A salted Argon2id hash of `password`."""
    with _limiter:
        return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`."""
    try:
        with _limiter:
            return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return hash_password("an unguessable placeholder")


def spend_verification_time(password: str) -> None:
    """Verify against a dummy hash so unknown emails take as long as wrong passwords."""
    verify_password(_dummy_hash(), password)
