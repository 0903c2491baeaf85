"""Per-client rate limits: strict on login and register, generous elsewhere."""

import math
import time
from collections.abc import Awaitable, Callable, Collection

import structlog
from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import ErrorCode
from app.utils.responses import error_response

logger = structlog.get_logger(__name__)


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
    pool = ConnectionPool.from_url(redis_url)
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
        try:
            allowed = await self.limiter.hit(limit, scope_name, key)
        except Exception as exc:  # a Redis outage must not take the API down: serve unlimited
            if not self.storage_down:
                self.storage_down = True
                logger.error("rate_limit_storage_unavailable", error=repr(exc), limiting="off")
            allowed = True
        else:
            if self.storage_down:
                self.storage_down = False
                logger.info("rate_limit_storage_recovered", limiting="on")
        if allowed:
            await self.app(scope, receive, send)
            return
        stats = await self.limiter.get_window_stats(limit, scope_name, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        response = error_response(
            429,
            ErrorCode.RATE_LIMITED,
            "Too many requests; retry later",
            headers={"Retry-After": str(retry_after)},
        )
        await response(scope, receive, send)
