"""Graceful shutdown: SIGTERM turns readiness to 503, then reaches gunicorn's own handling."""

import logging
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from django.test import Client
from gunicorn.config import Config
from gunicorn.workers.gthread import ThreadWorker

from app.shutdown import DrainingWorker, drain_seconds, draining


@pytest.fixture
def _draining() -> Iterator[None]:
    draining.set()
    yield
    draining.clear()


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[DrainingWorker]:
    """A worker (not serving) whose grace period is 1 s: a 0.5 s drain window."""
    config = Config()
    config.set("graceful_timeout", 1)
    config.set("worker_tmp_dir", str(tmp_path))
    worker = DrainingWorker(
        age=1,
        ppid=os.getppid(),
        sockets=[],
        app=None,
        timeout=30,
        cfg=config,
        log=logging.getLogger(__name__),
    )
    worker.method_queue.init()  # what the running worker's main loop reads
    yield worker
    worker.method_queue.close()
    worker.tmp.close()
    draining.clear()


@pytest.fixture
def gunicorn_stops(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A stand-in for gunicorn's own SIGTERM handling, recording the signals it gets."""
    received: list[int] = []

    def stop(_worker: ThreadWorker, sig: int, _frame: FrameType | None) -> None:
        received.append(sig)

    monkeypatch.setattr(ThreadWorker, "handle_exit", stop)
    return received


def test_sigterm_drains_then_hands_on_to_gunicorn(
    worker: DrainingWorker, gunicorn_stops: list[int]
) -> None:
    worker.handle_exit(signal.SIGTERM, None)
    assert draining.is_set()
    worker.handle_exit(signal.SIGTERM, None)  # the master's signal starts nothing new
    worker.method_queue.run_callbacks(None)  # the main loop's turn
    assert gunicorn_stops == []  # readiness fails first; the worker keeps serving
    time.sleep(drain_seconds(1) + 0.3)
    assert gunicorn_stops == [signal.SIGTERM]


def test_the_drain_window_is_part_of_the_grace_period() -> None:
    assert drain_seconds(20) == 2.0
    assert drain_seconds(1) == 0.5
    assert drain_seconds(0) == 0


@pytest.mark.usefixtures("_draining")
def test_readiness_answers_503_while_draining(client: Client) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert client.get("/health/live").status_code == 200
