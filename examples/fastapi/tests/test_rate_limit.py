"""Rate limits: strict on sign-in, with Retry-After."""

import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from fastapi import FastAPI

from tests.conftest import client_for


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
