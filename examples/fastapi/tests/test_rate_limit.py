"""Rate limits: strict on sign-in, with Retry-After."""

import asyncio
import secrets
import socket
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import anyio
import pytest
import time_machine
import uvicorn
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from limits.aio.storage import MemoryStorage, Storage
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from structlog.testing import CapturingLogger

from app import __main__ as server
from app.middleware import access_log, rate_limit
from app.middleware.rate_limit import RateLimitMiddleware
from tests.conftest import client_for

PROXIES = ["192.0.2.0/24"]  # TEST-NET-1: the load balancers in these tests


@pytest.fixture(autouse=True)
def _start_of_a_minute() -> Iterator[None]:
    # In memory, the sliding-window counter aligns windows to the clock and lets one
    # extra hit through at the turn of a minute: start each test just after one.
    with time_machine.travel(datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC), tick=True):
        yield


def _fresh_ip() -> str:
    # Each test is a new client, so no counter carries over.
    return "10." + ".".join(str(byte) for byte in secrets.token_bytes(3))


async def test_the_limit_answers_429_with_retry_after(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_default="2/minute")
    async with client_for(app, _fresh_ip()) as client:
        statuses = [(await client.get("/api/v1/items")).status_code for _ in range(3)]
        limited = await client.get("/api/v1/items")
    assert statuses[-1] == 429
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) >= 1


async def test_sign_in_has_its_own_stricter_limit(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_auth="2/minute")
    async with client_for(app, _fresh_ip()) as client:
        body = {"email": "who@example.com", "password": "x" * 12}
        statuses = [
            (await client.post("/api/v1/auth/login", json=body)).status_code for _ in range(3)
        ]
        other_route = await client.get("/api/v1/items")
    assert statuses == [401, 401, 429]
    assert other_route.status_code == 401


async def test_health_probes_are_never_limited(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_default="1/minute")
    async with client_for(app, _fresh_ip()) as client:
        statuses = {(await client.get("/health/live")).status_code for _ in range(3)}
    assert statuses == {200}


async def test_clients_behind_a_trusted_proxy_are_limited_apart(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_default="2/minute", trusted_proxies=PROXIES)
    noisy, quiet = _fresh_ip(), _fresh_ip()
    async with client_for(app, "192.0.2.1") as proxy:
        statuses = [
            (await proxy.get("/api/v1/items", headers={"X-Forwarded-For": noisy})).status_code
            for _ in range(3)
        ]
        other = await proxy.get("/api/v1/items", headers={"X-Forwarded-For": quiet})
    assert statuses[-1] == 429
    assert other.status_code != 429


async def test_a_forged_forwarded_for_does_not_escape_the_limit(
    make_app: Callable[..., FastAPI],
) -> None:
    # The client writes what it likes on the left; the proxies append on the right.
    app = make_app(rate_limit_enabled=True, rate_limit_default="2/minute", trusted_proxies=PROXIES)
    client = _fresh_ip()
    async with client_for(app, "192.0.2.1") as proxy:
        statuses = []
        for _ in range(6):
            forwarded = {"X-Forwarded-For": f"{_fresh_ip()}, {client}, 192.0.2.2"}
            statuses.append((await proxy.get("/api/v1/items", headers=forwarded)).status_code)
    assert statuses[2:] == [429] * 4


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_default="2/minute", trusted_proxies=[])
    async with client_for(app, _fresh_ip()) as client:
        statuses = []
        for _ in range(3):
            forged = {"X-Forwarded-For": _fresh_ip()}
            statuses.append((await client.get("/api/v1/items", headers=forged)).status_code)
    assert statuses[-1] == 429


async def test_the_access_log_names_the_forwarded_client(
    make_app: Callable[..., FastAPI], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = CapturingLogger()
    monkeypatch.setattr(access_log, "logger", log)
    app = make_app(trusted_proxies=PROXIES)
    async with client_for(app, "192.0.2.1") as proxy:
        await proxy.get("/health/live", headers={"X-Forwarded-For": "198.51.100.4, 192.0.2.9"})
    assert [call.kwargs["client"] for call in log.calls] == ["198.51.100.4"]


def test_the_server_leaves_forwarded_headers_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_args, **options: runs.append(options))
    monkeypatch.setattr(sys, "argv", ["python -m app"])
    assert server.main() == 0
    assert runs[0]["proxy_headers"] is False


class _FlakyStorage(MemoryStorage):
    """In-memory counters that fail like an unreachable Redis while `down`."""

    down = True
    calls = 0

    async def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        self.calls += 1
        if self.down:
            msg = "Error 111 connecting to redis:6379. Connection refused."
            raise ConnectionError(msg)
        return await super().acquire_sliding_window_entry(key, limit, expiry, amount)


class _StatsFailStorage(MemoryStorage):
    """Counts hits, then fails when asked how long the window lasts."""

    async def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        msg = "Timeout reading from redis:6379"
        raise TimeoutError(msg)


async def _ok(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("ok")(scope, receive, send)


def _limited(storage: Storage, default_limit: str = "100/minute") -> RateLimitMiddleware:
    return RateLimitMiddleware(
        _ok,
        storage=storage,
        default_limit=default_limit,
        auth_limit="10/minute",
        auth_paths=set(),
        exempt_prefixes=(),
    )


def _client(app: ASGIApp) -> AsyncClient:
    transport = ASGITransport(app=app, client=(_fresh_ip(), 50000))
    return AsyncClient(transport=transport, base_url="http://testserver")


async def test_a_storage_outage_is_logged_once_and_requests_are_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = CapturingLogger()
    monkeypatch.setattr(rate_limit, "logger", log)
    storage = _FlakyStorage()
    limiter = _limited(storage)
    async with _client(limiter) as client:
        during = [(await client.get("/")).status_code for _ in range(5)]
        storage.down = False
        limiter.storage_retry_at = time.monotonic()  # the pause after the failure is over
        after = [(await client.get("/")).status_code for _ in range(3)]
    assert during + after == [200] * 8  # served unlimited while down, as documented
    assert [(call.method_name, call.args[0]) for call in log.calls] == [
        ("error", "rate_limit_storage_unavailable"),
        ("info", "rate_limit_storage_recovered"),
    ]


async def test_a_failed_storage_is_left_alone_for_a_while() -> None:
    storage = _FlakyStorage()
    async with _client(_limited(storage)) as client:
        statuses = [(await client.get("/")).status_code for _ in range(5)]
        storage.down = False
        back_up = (await client.get("/")).status_code
    assert statuses == [200] * 5
    assert back_up == 200
    assert storage.calls == 1  # one failure, then STORAGE_RETRY_SECONDS without it


async def test_a_refusal_whose_window_cannot_be_read_retries_after_the_window() -> None:
    async with _client(_limited(_StatsFailStorage(), "1/minute")) as client:
        first, second = [await client.get("/") for _ in range(2)]
    assert first.status_code == 200
    assert second.status_code == 429
    assert second.headers["Retry-After"] == "60"


async def _never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()  # until the client hangs up; not a byte back
    writer.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("redis", ["closed port", "silent server"])
async def test_an_unreachable_redis_keeps_requests_fast_and_served(redis: str) -> None:
    if redis == "silent server":
        server = await asyncio.start_server(_never_answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
    else:
        server, port = None, _closed_port()
    storage, release = rate_limit.create_storage(f"redis://127.0.0.1:{port}/0")
    started = time.monotonic()
    try:
        with anyio.fail_after(10):  # no timeouts: the first request would wait forever
            async with _client(_limited(storage)) as client:
                statuses = [(await client.get("/")).status_code for _ in range(20)]
    finally:
        await release()
        if server is not None:
            server.close()
    assert statuses == [200] * 20
    # One request waits out the Redis timeouts (redis-py retries a refused connection);
    # the others skip Redis while it is down. Asking Redis every time takes over 5 s.
    assert time.monotonic() - started < 3
