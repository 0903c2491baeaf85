"""Argon2id password hashing, off the event loop (hashing is deliberately slow)."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.concurrency import run_in_threadpool

# argon2-cffi's defaults are Argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()


async def hash_password(password: str) -> str:
    """A salted Argon2id hash of `password`."""
    return await run_in_threadpool(_hasher.hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


async def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`."""
    try:
        return await run_in_threadpool(_hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("an unguessable placeholder")


async def spend_verification_time(password: str) -> None:
    """Verify against a dummy hash so unknown emails take as long as wrong passwords."""
    await verify_password(await run_in_threadpool(_dummy_hash), password)
