"""Password hashing: a burst of logins queues for the cores instead of piling up memory."""

import asyncio
import threading
import time

import pytest

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


async def test_concurrent_hashes_never_exceed_one_per_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hasher = _CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    burst = max(50, 3 * passwords.HASH_CONCURRENCY)
    results = await asyncio.gather(
        *(passwords.verify_password("hash-of-pw", "pw") for _ in range(burst)),
        *(passwords.hash_password("pw") for _ in range(burst)),
    )
    assert results == [True] * burst + ["hash-of-pw"] * burst
    assert hasher.peak == passwords.HASH_CONCURRENCY
