"""Argon2id password hashing through Django's hashers, a few hashes at a time.

Each hash holds 64 MiB while it runs: at most PASSWORD_HASH_CONCURRENCY at once per
process, so a burst of logins queues here instead of multiplying that memory.
"""

import threading
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id with the RFC 9106 low-memory profile (argon2-cffi's defaults)."""

    time_cost = 3
    memory_cost = 65536
    parallelism = 4


@cache
def _hashing_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(settings.PASSWORD_HASH_CONCURRENCY)


def hash_password(password: str) -> str:
    """A salted Argon2id hash of `password`."""
    with _hashing_slots():
        return make_password(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether `password` matches `password_hash`."""
    with _hashing_slots():
        return check_password(password, password_hash)


def spend_verification_time(password: str) -> None:
    """Hash once for an unknown email, so it takes as long as a wrong password."""
    hash_password(password)
