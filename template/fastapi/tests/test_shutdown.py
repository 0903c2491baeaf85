"""Graceful shutdown: SIGTERM turns readiness to 503, then reaches the server's handler."""

import asyncio
import os
import signal
from collections.abc import Callable, Iterator
from types import FrameType

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.shutdown import Shutdown
from tests.conftest import client_for


@pytest.fixture
def server_handler() -> Iterator[list[int]]:
    """A stand-in for the server's SIGTERM handler, recording the signals it gets."""
    received: list[int] = []

    def handle(sig: int, _frame: FrameType | None) -> None:
        received.append(sig)

    previous = signal.signal(signal.SIGTERM, handle)
    yield received
    signal.signal(signal.SIGTERM, previous)


async def test_readiness_answers_503_while_draining(make_app: Callable[..., FastAPI]) -> None:
    app = make_app()
    app.state.shutdown.draining = True
    async with client_for(app) as client:
        response = await client.get("/health/ready")
        live = await client.get("/health/live")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert live.status_code == 200


async def test_sigterm_drains_then_hands_on_to_the_server(server_handler: list[int]) -> None:
    shutdown = Shutdown(grace_seconds=1)
    undo = shutdown.install()
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0)
        assert shutdown.draining
        assert server_handler == []  # readiness fails first; the server keeps serving
        os.kill(os.getpid(), signal.SIGTERM)  # a second signal starts nothing new
        await asyncio.sleep(shutdown.drain_seconds + 0.2)
        assert server_handler == [signal.SIGTERM]
    finally:
        undo()
    assert signal.getsignal(signal.SIGTERM) is not None


async def test_the_drain_window_is_part_of_the_grace_period() -> None:
    assert Shutdown(grace_seconds=20).drain_seconds == 2.0
    assert Shutdown(grace_seconds=1).drain_seconds == 0.5
    assert Shutdown(grace_seconds=0).drain_seconds == 0


async def test_readiness_is_ok_until_sigterm(client: AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
