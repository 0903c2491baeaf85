"""GET /metrics: Prometheus text, labelled by route template, off unless enabled."""

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.conftest import client_for


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in the Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+)\{(.*)\} (\S+)", line)
        if match is None or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match[2]))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(match[3])
    return 0.0


@pytest.fixture
def metrics_app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app(metrics_enabled=True)


@pytest.fixture
async def metrics_client(metrics_app: FastAPI) -> AsyncClient:
    return client_for(metrics_app)


async def _scrape(client: AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return response.text


async def test_metrics_are_off_by_default(client: AsyncClient) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_requests_are_counted_by_route_template(metrics_client: AsyncClient) -> None:
    for item_id in (1, 2, 3):
        await metrics_client.get(f"/api/v1/items/{item_id}")
    text = await _scrape(metrics_client)
    statuses = {
        line.split('status="')[1].split('"')[0]
        for line in text.splitlines()
        if line.startswith("http_requests_total{") and 'route="/api/v1/items/{item_id}"' in line
    }
    assert len(statuses) == 1
    labels = {"method": "GET", "route": "/api/v1/items/{item_id}", "status": statuses.pop()}
    assert sample(text, "http_requests_total", **labels) == 3
    assert (
        sample(
            text,
            "http_request_duration_seconds_count",
            method="GET",
            route="/api/v1/items/{item_id}",
        )
        == 3
    )
    assert "/api/v1/items/1" not in text  # never the raw path


async def test_unknown_paths_are_unmatched_and_metrics_not_counted(
    metrics_client: AsyncClient,
) -> None:
    await metrics_client.get("/no/such/path")
    await metrics_client.head("/health/live")
    await _scrape(metrics_client)
    text = await _scrape(metrics_client)
    assert sample(text, "http_requests_total", route="unmatched", status="404") == 1
    assert sample(text, "http_requests_total", method="HEAD", route="/health/live") == 1
    assert 'route="/metrics"' not in text
    assert "/no/such/path" not in text


async def test_process_metrics_are_served(metrics_client: AsyncClient) -> None:
    text = await _scrape(metrics_client)
    assert "process_resident_memory_bytes" in text
    assert "python_info" in text


async def test_metrics_are_not_rate_limited_nor_documented(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(metrics_enabled=True, rate_limit_enabled=True, rate_limit_default="2/minute")
    async with client_for(app, "203.0.113.9") as client:
        for _ in range(5):
            await _scrape(client)
        document = (await client.get("/api/v1/openapi.json")).json()
    assert "/metrics" not in document["paths"]
