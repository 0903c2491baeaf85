"""Argon2id password hashing, off the event loop and a few hashes at a time.

Each hash holds 64 MiB while it runs: at most one per core, so a burst of logins queues
here instead of multiplying that memory by the size of the thread pool.
"""

import os
from functools import cache

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults are Argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()
HASH_CONCURRENCY = os.cpu_count() or 1


@cache
def hashing_limiter() -> CapacityLimiter:
    """The limiter every hash and verification waits on (made on first use)."""
    return CapacityLimiter(HASH_CONCURRENCY)


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
