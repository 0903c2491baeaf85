"""Password hashing: a burst of logins queues for the cores instead of piling up memory."""

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.config import Settings
from app.routes.openapi import ContractOpenAPI
from app.services import passwords


class _CountingHasher:
    """Stands in for Argon2: records how many hashes run at the same moment."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = 0
        self.peak = 0

    def _work(self) -> None:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        time.sleep(0.01)
        with self._lock:
            self.running -= 1

    def hash(self, password: str) -> str:
        self._work()
        return f"hash-of-{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self._work()
        return password_hash == f"hash-of-{password}"


@pytest.fixture
def counting_hasher(monkeypatch: pytest.MonkeyPatch) -> _CountingHasher:
    hasher = _CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_limiter", passwords._limiter)  # restored after the test
    return hasher


def _burst(size: int) -> None:
    # As many threads as a busy server has, each hashing or verifying at once.
    with ThreadPoolExecutor(max_workers=2 * size) as pool:
        verified = pool.map(lambda _: passwords.verify_password("hash-of-pw", "pw"), range(size))
        hashed = pool.map(lambda _: passwords.hash_password("pw"), range(size))
        results: list[object] = [*verified, *hashed]
    assert results == [True] * size + ["hash-of-pw"] * size


@pytest.mark.parametrize("concurrency", [1, 3])
def test_hashes_at_once_follow_password_hash_concurrency(
    make_app: Callable[..., ContractOpenAPI], counting_hasher: _CountingHasher, concurrency: int
) -> None:
    make_app(password_hash_concurrency=concurrency)
    _burst(30)
    assert counting_hasher.peak == concurrency


@pytest.mark.parametrize(("usable_cpus", "expected"), [(1, 1), (3, 3), (64, 4)])
def test_the_default_concurrency_is_the_usable_cpus_at_most_four(
    monkeypatch: pytest.MonkeyPatch, usable_cpus: int, expected: int
) -> None:
    # A container limited to a few CPUs of a large host: the host's count must not count.
    monkeypatch.setattr(os, "cpu_count", lambda: 128)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(usable_cpus)))
    assert Settings(_env_file=None).password_hash_concurrency == expected


def test_password_hash_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="password_hash_concurrency"):
        Settings(_env_file=None, password_hash_concurrency=0)
