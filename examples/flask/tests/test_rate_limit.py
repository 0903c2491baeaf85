"""Rate limits: strict on sign-in, with Retry-After."""

import secrets
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from flask import Flask
from limits.storage import MemoryStorage, Storage
from structlog.testing import CapturingLogger

from app import gunicorn_conf
from app.errors import RateLimitedError
from app.middleware import access_log, rate_limit
from app.middleware.rate_limit import RateLimits
from app.routes.openapi import ContractOpenAPI
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


def test_the_limit_answers_429_with_retry_after(make_app: Callable[..., ContractOpenAPI]) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_default="2/minute")
    client = client_for(app, _fresh_ip())
    statuses = [client.get("/api/v1/items").status_code for _ in range(3)]
    limited = client.get("/api/v1/items")
    assert statuses[-1] == 429
    assert limited.json["error"]["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) >= 1


def test_sign_in_has_its_own_stricter_limit(make_app: Callable[..., ContractOpenAPI]) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_auth="2/minute")
    client = client_for(app, _fresh_ip())
    body = {"email": "who@example.com", "password": "x" * 12}
    statuses = [client.post("/api/v1/auth/login", json=body).status_code for _ in range(3)]
    other_route = client.get("/api/v1/items")
    assert statuses == [401, 401, 429]
    assert other_route.status_code == 401


def test_health_probes_are_never_limited(make_app: Callable[..., ContractOpenAPI]) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_default="1/minute")
    client = client_for(app, _fresh_ip())
    statuses = {client.get("/health/live").status_code for _ in range(3)}
    assert statuses == {200}


def test_clients_behind_a_trusted_proxy_are_limited_apart(
    make_app: Callable[..., ContractOpenAPI],
) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_default="2/minute", trusted_proxies=PROXIES)
    noisy, quiet = _fresh_ip(), _fresh_ip()
    proxy = client_for(app, "192.0.2.1")
    statuses = [
        proxy.get("/api/v1/items", headers={"X-Forwarded-For": noisy}).status_code for _ in range(3)
    ]
    other = proxy.get("/api/v1/items", headers={"X-Forwarded-For": quiet})
    assert statuses[-1] == 429
    assert other.status_code != 429


def test_a_forged_forwarded_for_does_not_escape_the_limit(
    make_app: Callable[..., ContractOpenAPI],
) -> None:
    # The client writes what it likes on the left; the proxies append on the right.
    app = make_app(rate_limit_enabled=True, rate_limit_default="2/minute", trusted_proxies=PROXIES)
    client = _fresh_ip()
    proxy = client_for(app, "192.0.2.1")
    statuses = []
    for _ in range(6):
        forwarded = {"X-Forwarded-For": f"{_fresh_ip()}, {client}, 192.0.2.2"}
        statuses.append(proxy.get("/api/v1/items", headers=forwarded).status_code)
    assert statuses[2:] == [429] * 4


def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    make_app: Callable[..., ContractOpenAPI],
) -> None:
    app = make_app(rate_limit_enabled=True, rate_limit_default="2/minute", trusted_proxies=[])
    client = client_for(app, _fresh_ip())
    statuses = []
    for _ in range(3):
        forged = {"X-Forwarded-For": _fresh_ip()}
        statuses.append(client.get("/api/v1/items", headers=forged).status_code)
    assert statuses[-1] == 429


def test_the_access_log_names_the_forwarded_client(
    make_app: Callable[..., ContractOpenAPI], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = CapturingLogger()
    monkeypatch.setattr(access_log, "logger", log)
    proxy = client_for(make_app(trusted_proxies=PROXIES), "192.0.2.1")
    proxy.get("/health/live", headers={"X-Forwarded-For": "198.51.100.4, 192.0.2.9"})
    assert [call.kwargs["client"] for call in log.calls] == ["198.51.100.4"]


def test_the_server_leaves_forwarded_headers_to_the_app() -> None:
    assert gunicorn_conf.forwarded_allow_ips == ""
    assert gunicorn_conf.accesslog is None


class _FlakyStorage(MemoryStorage):
    """In-memory counters that fail like an unreachable Redis while `down`."""

    down = True
    calls = 0

    def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        self.calls += 1
        if self.down:
            msg = "Error 111 connecting to redis:6379. Connection refused."
            raise ConnectionError(msg)
        return super().acquire_sliding_window_entry(key, limit, expiry, amount)


class _StatsFailStorage(MemoryStorage):
    """Counts hits, then fails when asked how long the window lasts."""

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        msg = "Timeout reading from redis:6379"
        raise TimeoutError(msg)


def _limited(storage: Storage, default_limit: str = "100/minute") -> RateLimits:
    return RateLimits(
        storage=storage,
        default_limit=default_limit,
        auth_limit="10/minute",
        auth_paths=set(),
        exempt_prefixes=(),
    )


def _statuses(limits: RateLimits, count: int) -> list[int]:
    """What `count` requests from one new client get: 200 served, 429 refused."""
    app, client = Flask(__name__), _fresh_ip()
    statuses = []
    for _ in range(count):
        with app.test_request_context("/", environ_base={"REMOTE_ADDR": client}):
            try:
                limits.check()
                statuses.append(200)
            except RateLimitedError as refused:
                statuses.append(429)
                last_retry_after = refused.headers["Retry-After"]
    if 429 in statuses:
        statuses.append(int(last_retry_after))
    return statuses


def test_a_storage_outage_is_logged_once_and_requests_are_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = CapturingLogger()
    monkeypatch.setattr(rate_limit, "logger", log)
    storage = _FlakyStorage()
    limits = _limited(storage)
    during = _statuses(limits, 5)
    storage.down = False
    limits.storage_retry_at = time.monotonic()  # the pause after the failure is over
    after = _statuses(limits, 3)
    assert during + after == [200] * 8  # served unlimited while down, as documented
    assert [(call.method_name, call.args[0]) for call in log.calls] == [
        ("error", "rate_limit_storage_unavailable"),
        ("info", "rate_limit_storage_recovered"),
    ]


def test_a_failed_storage_is_left_alone_for_a_while() -> None:
    storage = _FlakyStorage()
    limits = _limited(storage)
    statuses = _statuses(limits, 5)
    storage.down = False
    assert statuses + _statuses(limits, 1) == [200] * 6
    assert storage.calls == 1  # one failure, then STORAGE_RETRY_SECONDS without it


def test_a_refusal_whose_window_cannot_be_read_retries_after_the_window() -> None:
    # Served, refused, and the refusal's Retry-After: the whole window.
    assert _statuses(_limited(_StatsFailStorage(), "1/minute"), 2) == [200, 429, 60]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("redis", ["closed port", "silent server"])
def test_an_unreachable_redis_keeps_requests_fast_and_served(redis: str) -> None:
    with socket.socket() as silent:
        if redis == "silent server":  # accepts connections, never answers
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            port = silent.getsockname()[1]
        else:
            port = _closed_port()
        started = time.monotonic()
        statuses = _statuses(_limited(rate_limit.create_storage(f"redis://127.0.0.1:{port}/0")), 20)
    assert statuses == [200] * 20
    # One request waits out the Redis timeouts (redis-py retries a refused connection);
    # the others skip Redis while it is down. Asking Redis every time takes over 5 s.
    assert time.monotonic() - started < 3
