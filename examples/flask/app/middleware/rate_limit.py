"""Per-client rate limits: strict on login and register, generous elsewhere."""

import math
import time
from collections.abc import Collection

import structlog
from flask import Flask, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import SlidingWindowCounterRateLimiter

from app.config import Settings
from app.errors import RateLimitedError

logger = structlog.get_logger(__name__)

# A Redis that does not answer costs a request at most this long, not the client's timeout.
REDIS_TIMEOUT_SECONDS = 0.25
# Once the storage fails, requests skip it (served unlimited) this long before one retries.
STORAGE_RETRY_SECONDS = 5.0


def create_storage(redis_url: str | None) -> Storage:
    """Redis when `redis_url` is set, so replicas share counters; else this process's memory."""
    if redis_url is None:
        return MemoryStorage()
    return RedisStorage(
        redis_url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


class RateLimiter:
    """Created unbound; `init_app` gives an application its limits, checked before every
    request's view runs."""

    def init_app(
        self,
        app: Flask,
        settings: Settings,
        *,
        auth_paths: Collection[str],
        exempt_prefixes: tuple[str, ...],
    ) -> None:
        """Check every request of `app` against the limits in `settings`."""
        limits = RateLimits(
            storage=create_storage(settings.redis_url),
            default_limit=settings.rate_limit_default,
            auth_limit=settings.rate_limit_auth,
            auth_paths=auth_paths,
            exempt_prefixes=exempt_prefixes,
        )
        app.extensions["rate_limiter"] = limits
        app.before_request(limits.check)


class RateLimits:
    """429 with `Retry-After` once a client (by address) exceeds its limit."""

    def __init__(
        self,
        *,
        storage: Storage,
        default_limit: str,
        auth_limit: str,
        auth_paths: Collection[str],
        exempt_prefixes: tuple[str, ...],
    ) -> None:
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self.default_limit = parse(default_limit)
        self.auth_limit = parse(auth_limit)
        self.auth_paths = frozenset(auth_paths)
        self.exempt_prefixes = exempt_prefixes
        self.storage_down = False  # logged once per outage, not once per request
        self.storage_retry_at = 0.0  # time.monotonic() before which the storage is skipped

    def check(self) -> None:
        """Refuse the current request once its client is over the limit."""
        if request.path.startswith(self.exempt_prefixes):
            return
        scope_name, limit = (
            ("auth", self.auth_limit)
            if request.path in self.auth_paths
            else ("api", self.default_limit)
        )
        retry_after = self._retry_after(limit, scope_name, request.remote_addr or "unknown")
        if retry_after is not None:
            raise RateLimitedError(retry_after=retry_after)

    def _retry_after(self, limit: RateLimitItem, scope_name: str, key: str) -> int | None:
        """Seconds until the client may retry; None serves the request."""
        if time.monotonic() < self.storage_retry_at:
            return None  # the storage is down: serve unlimited until the next retry
        allowed = True
        try:
            allowed = self.limiter.hit(limit, scope_name, key)
            retry_after = None
            if not allowed:
                stats = self.limiter.get_window_stats(limit, scope_name, key)
                retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        except Exception as exc:  # a Redis outage must not take the API down: serve unlimited
            self.storage_retry_at = time.monotonic() + STORAGE_RETRY_SECONDS
            if not self.storage_down:
                self.storage_down = True
                logger.error("rate_limit_storage_unavailable", error=repr(exc), limiting="off")
            # Refused before the storage failed: the whole window is a safe wait.
            return None if allowed else limit.get_expiry()
        if self.storage_down:
            self.storage_down = False
            logger.info("rate_limit_storage_recovered", limiting="on")
        return retry_after
