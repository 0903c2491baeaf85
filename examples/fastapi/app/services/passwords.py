"""Argon2id password hashing, off the event loop and a few hashes at a time.

Each hash holds 64 MiB while it runs: at most PASSWORD_HASH_CONCURRENCY at once per
process, so a burst of logins queues here instead of multiplying that memory by the size
of the thread pool.
"""

from functools import cache

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.config import Settings
from app.config.settings import default_hash_concurrency

# argon2-cffi's defaults are Argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()


@cache
def hashing_limiter() -> CapacityLimiter:
    """The limiter every hash and verification waits on, one per process."""
    return CapacityLimiter(default_hash_concurrency())


def configure_hashing(settings: Settings) -> None:
    """Let PASSWORD_HASH_CONCURRENCY hashes run at once (the app factory calls this)."""
    hashing_limiter().total_tokens = settings.password_hash_concurrency


async def hash_password(password: str) -> str:
    """A salted Argon2id hash of `password`."""
    return await to_thread.run_sync(_hasher.hash, password, limiter=hashing_limiter())


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


async def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`."""
    try:
        return await to_thread.run_sync(
            _hasher.verify, password_hash, password, limiter=hashing_limiter()
        )
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("an unguessable placeholder")


async def spend_verification_time(password: str) -> None:
    """Verify against a dummy hash so unknown emails take as long as wrong passwords."""
    dummy = await to_thread.run_sync(_dummy_hash, limiter=hashing_limiter())
    await verify_password(dummy, password)
