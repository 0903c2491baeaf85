"""Per-client rate limits: strict on login and register, generous elsewhere."""

import math
import time
from collections.abc import Awaitable, Callable, Collection

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import ErrorCode
from app.utils.responses import error_response

logger = structlog.get_logger(__name__)

# A Redis that does not answer costs a request at most this long, not the client's timeout.
REDIS_TIMEOUT_SECONDS = 0.25
# Once the storage fails, requests skip it (served unlimited) this long before one retries.
STORAGE_RETRY_SECONDS = 5.0


def create_storage(redis_url: str | None) -> tuple[Storage, Callable[[], Awaitable[None]]]:
    """Where the counters live, and how to release it at shutdown.

    Redis when `redis_url` is set, so replicas share counters; otherwise this process's
    memory (per worker process).
    """
    if redis_url is None:
        return MemoryStorage(), _nothing_to_release
    from redis.asyncio import ConnectionPool  # noqa: PLC0415 (12 MiB a memory-only service never needs)

    # Our own pool, so shutdown can close its connections; limits passes it on to redis-py
    # but types its **options as scalars only.
    pool = ConnectionPool.from_url(
        redis_url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    storage = RedisStorage(redis_url, implementation="redispy", connection_pool=pool)  # type: ignore[arg-type]
    return storage, pool.aclose


async def _nothing_to_release() -> None:
    return None


class RateLimitMiddleware:
    """429 with `Retry-After` once a client (by IP) exceeds its limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        storage: Storage,
        default_limit: str,
        auth_limit: str,
        auth_paths: Collection[str],
        exempt_prefixes: tuple[str, ...],
    ) -> None:
        self.app = app
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self.default_limit = parse(default_limit)
        self.auth_limit = parse(auth_limit)
        self.auth_paths = frozenset(auth_paths)
        self.exempt_prefixes = exempt_prefixes
        self.storage_down = False  # logged once per outage, not once per request
        self.storage_retry_at = 0.0  # time.monotonic() before which the storage is skipped

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        scope_name, limit = (
            ("auth", self.auth_limit)
            if scope["path"] in self.auth_paths
            else ("api", self.default_limit)
        )
        retry_after = await self._retry_after(limit, scope_name, key)
        if retry_after is None:
            await self.app(scope, receive, send)
            return
        response = error_response(
            429,
            ErrorCode.RATE_LIMITED,
            "Too many requests; retry later",
            headers={"Retry-After": str(retry_after)},
        )
        await response(scope, receive, send)

    async def _retry_after(self, limit: RateLimitItem, scope_name: str, key: str) -> int | None:
        """Seconds until the client may retry; None serves the request."""
        if time.monotonic() < self.storage_retry_at:
            return None  # the storage is down: serve unlimited until the next retry
        allowed = True
        try:
            allowed = await self.limiter.hit(limit, scope_name, key)
            retry_after = None
            if not allowed:
                stats = await self.limiter.get_window_stats(limit, scope_name, key)
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
