"""Deep tier: graceful shutdown (STANDARDS section 5), over HTTP and a signal only.

A loaded service gets SIGTERM, as Kubernetes sends it: /health/ready must turn
503 while the server still answers, every request it accepted must be answered
(uploads still arriving included), and the process must exit within
SHUTDOWN_GRACE_SECONDS, its database connections closed.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import harness
import httpx
import pytest
from conftest import BuiltProject, start_service
from contract.api import ApiClient

# The frameworks whose tree implements graceful shutdown. A framework joins this
# set once it does (then the test runs on its combinations too); until then its
# combinations are skipped with this reason, never silently passed.
SHUTDOWN_FRAMEWORKS = {"fastapi", "express", "flask", "django"}
GRACE_SECONDS = 10
UPLOADS = 6
UPLOAD_SECONDS = 4.0
LOADERS = 4


def slow_body(chunks: int, pause: float) -> tuple[bytes, Iterator[bytes]]:
    """A JSON item sent in pieces over `chunks * pause` seconds: (whole body, stream)."""
    head, padding, tail = b'{"name": "draining",', b" " * 64, b' "description": "slow"}'
    body = head + padding * chunks + tail

    def stream() -> Iterator[bytes]:
        yield head
        for _ in range(chunks):
            time.sleep(pause)
            yield padding
        yield tail

    return body, stream()


def upload(client: ApiClient) -> int:
    """POST an item whose body takes UPLOAD_SECONDS to arrive; the response's status."""
    body, stream = slow_body(10, UPLOAD_SECONDS / 10)
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    return client.post("/api/v1/items", content=stream, headers=headers).status_code


def open_connections(database_url: str) -> int:
    """Connections to the service's own database now (server databases only)."""
    name = urlparse(database_url).path.lstrip("/")
    if database_url.startswith("postgresql"):
        with harness._pg_admin() as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)
            ).fetchone()
    else:
        with harness._mysql_admin() as cur:
            cur.execute(
                "SELECT count(*) FROM information_schema.processlist WHERE db = %s", (name,)
            )
            row = cur.fetchone()
    return int(row[0])


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_answers_every_accepted_request(built_project: BuiltProject, workers: str) -> None:
    framework = built_project.combo["framework"]
    if framework not in SHUTDOWN_FRAMEWORKS:
        pytest.skip(f"{framework} does not implement graceful shutdown yet (SHUTDOWN_FRAMEWORKS)")
    with start_service(
        built_project,
        "shutdown",
        WORKERS=workers,
        SHUTDOWN_GRACE_SECONDS=str(GRACE_SECONDS),
        RATE_LIMIT_ENABLED="false",
    ) as service:
        server = service.server
        assert server.process is not None
        clients = [ApiClient(service.base_url, service.auth) for _ in range(UPLOADS)]
        if service.auth != "none":
            for client in clients:
                client.sign_up()
        ready_failed = threading.Event()  # a load balancer stops sending here
        outcomes: list[str] = []

        def load() -> None:
            # New connections, as a load balancer opens them, until readiness fails.
            while not ready_failed.is_set():
                try:
                    response = httpx.get(
                        f"{service.base_url}/health/live",
                        headers={"Connection": "close"},
                        timeout=30,
                    )
                except httpx.ConnectError:
                    outcomes.append("refused")  # never accepted: nothing to answer
                except httpx.HTTPError as exc:
                    outcomes.append(f"lost: {exc!r}")
                else:
                    outcomes.append(str(response.status_code))

        def watch_readiness() -> list[int]:
            seen = []
            deadline = time.monotonic() + GRACE_SECONDS
            while time.monotonic() < deadline:
                try:
                    status = httpx.get(f"{service.base_url}/health/ready", timeout=5).status_code
                except httpx.HTTPError:
                    break  # the listener closed
                seen.append(status)
                if status == 503:
                    ready_failed.set()
                    break
                time.sleep(0.05)
            ready_failed.set()
            return seen

        with ThreadPoolExecutor(UPLOADS + LOADERS + 1) as pool:
            uploads = [pool.submit(upload, client) for client in clients]
            loaders = [pool.submit(load) for _ in range(LOADERS)]
            time.sleep(1.0)  # the uploads are under way, the loaders busy
            started = time.monotonic()
            os.killpg(server.process.pid, signal.SIGTERM)
            readiness = pool.submit(watch_readiness).result()
            statuses = [future.result() for future in uploads]
            for future in loaders:
                future.result()
        deadline = started + GRACE_SECONDS + 10
        # `make` is reaped by poll(); an unreaped one would keep its group alive.
        while (
            server.process.poll() is None or harness._group_alive(server.process.pid)
        ) and time.monotonic() < deadline:
            time.sleep(0.1)
        stopped_after = time.monotonic() - started
        for client in clients:
            client.close()
        log = server.log()
        assert readiness[-1:] == [503], (
            f"readiness after SIGTERM: {readiness}\n{harness.tail(log, 40)}"
        )
        assert statuses == [201] * UPLOADS, f"uploads in flight: {statuses}\n{harness.tail(log)}"
        lost = [outcome for outcome in outcomes if outcome.startswith("lost")]
        assert not lost, f"accepted requests left unanswered: {lost[:5]}\n{harness.tail(log)}"
        assert outcomes.count("200") > 0, outcomes[:20]
        assert not harness._group_alive(server.process.pid), (
            f"still running {stopped_after:.1f}s after SIGTERM\n{harness.tail(log)}"
        )
        assert stopped_after < GRACE_SECONDS + 5, f"stopped after {stopped_after:.1f}s"
        database_url = server.env["DATABASE_URL"]
        if not database_url.startswith("sqlite"):
            assert open_connections(database_url) == 0, "the pool left connections open"
