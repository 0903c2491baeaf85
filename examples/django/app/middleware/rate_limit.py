"""Per-client rate limits: strict on login and register, generous elsewhere."""

import math
import time
from collections.abc import Callable

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import SlidingWindowCounterRateLimiter

from app.errors import ErrorCode
from app.utils.responses import error_response

logger = structlog.get_logger(__name__)

# A Redis that does not answer costs a request at most this long, not the client's timeout.
REDIS_TIMEOUT_SECONDS = 0.25
# Once the storage fails, requests skip it (served unlimited) this long before one retries.
STORAGE_RETRY_SECONDS = 5.0
AUTH_PATHS = frozenset({"/api/v1/auth/login", "/api/v1/auth/register"})
EXEMPT_PREFIXES = ("/health", "/docs", "/api/v1/openapi.json", "/metrics")


def create_storage(redis_url: str | None) -> Storage:
    """Redis when REDIS_URL is set, so replicas share counters; otherwise process memory."""
    if redis_url is None:
        return MemoryStorage()
    return RedisStorage(
        redis_url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


class RateLimitMiddleware:
    """429 with `Retry-After` once a client (by address) exceeds its limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        env = settings.ENV
        self.enabled = env.rate_limit_enabled
        self.limiter = SlidingWindowCounterRateLimiter(create_storage(env.redis_url))
        self.default_limit = parse(env.rate_limit_default)
        self.auth_limit = parse(env.rate_limit_auth)
        self.storage_down = False  # logged once per outage, not once per request
        self.storage_retry_at = 0.0  # time.monotonic() before which the storage is skipped

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        scope, limit = (
            ("auth", self.auth_limit) if request.path in AUTH_PATHS else ("api", self.default_limit)
        )
        key = str(request.META.get("REMOTE_ADDR") or "unknown")
        retry_after = self._retry_after(limit, scope, key)
        if retry_after is None:
            return self.get_response(request)
        return error_response(
            429,
            ErrorCode.RATE_LIMITED,
            "Too many requests; retry later",
            headers={"Retry-After": str(retry_after)},
        )

    def _retry_after(self, limit: RateLimitItem, scope: str, key: str) -> int | None:
        """Seconds until the client may retry; None serves the request."""
        if time.monotonic() < self.storage_retry_at:
            return None  # the storage is down: serve unlimited until the next retry
        allowed = True
        try:
            allowed = self.limiter.hit(limit, scope, key)
            retry_after = None
            if not allowed:
                stats = self.limiter.get_window_stats(limit, scope, key)
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
