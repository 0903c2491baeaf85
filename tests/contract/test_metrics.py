"""GET /metrics (STANDARDS section 5): the service runs with METRICS_ENABLED=true.

Prometheus text with `http_requests_total{method,route,status}` and
`http_request_duration_seconds{method,route}`, `route` the OpenAPI path template
(`unmatched` when no route matches, never the raw path), process metrics; the
endpoint counts no scrape of itself, is not rate limited and not in the OpenAPI
document.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import httpx

from .api import ApiClient, describe, expect_success

ITEM_ROUTE = "/api/v1/items/{item_id}"
_SAMPLE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(service: Any) -> str:
    """The metrics page, checked for the Prometheus text format."""
    response = httpx.get(f"{service.base_url}/metrics", timeout=10)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("text/plain"), response.headers
    return response.text


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    """Every sample of the metric `name`: (labels, value)."""
    found = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.fullmatch(line.strip())
        assert match is not None, f"not a Prometheus sample line: {line!r}"
        if match[1] == name:
            found.append((dict(_LABEL.findall(match[2] or "")), float(match[3])))
    return found


def total(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    return sum(
        value
        for found, value in samples(text, name)
        if all(found.get(key) == wanted for key, wanted in labels.items())
    )


def test_metrics_are_prometheus_text_with_the_standard_names(service: Any) -> None:
    text = scrape(service)
    assert re.search(r"^# TYPE http_requests_total counter$", text, re.M), text[:2000]
    assert re.search(r"^# TYPE http_request_duration_seconds histogram$", text, re.M)
    for name in ("process_cpu_seconds_total", "process_resident_memory_bytes"):
        assert samples(text, name), f"no process metric {name}"


def test_requests_are_counted_by_route_template(service: Any, actor: ApiClient) -> None:
    item = actor.create_item(name="counted")
    before = scrape(service)
    for _ in range(3):
        expect_success(actor.get(f"/api/v1/items/{item['id']}"))
    after = scrape(service)
    labels = {"method": "GET", "route": ITEM_ROUTE, "status": "200"}
    assert (
        total(after, "http_requests_total", **labels)
        - total(before, "http_requests_total", **labels)
        == 3
    )
    count = "http_request_duration_seconds_count"
    assert (
        total(after, count, method="GET", route=ITEM_ROUTE)
        - total(before, count, method="GET", route=ITEM_ROUTE)
        == 3
    )
    buckets = samples(after, "http_request_duration_seconds_bucket")
    assert any(found.get("route") == ITEM_ROUTE and "le" in found for found, _ in buckets)
    for found, _ in samples(after, "http_requests_total"):
        assert set(found) == {"method", "route", "status"}, found
        assert found["route"] == "unmatched" or found["route"].startswith("/"), found
        assert not re.search(r"/\d+(/|$)", found["route"]), f"a raw path as a label: {found}"


def test_a_request_no_route_matches_is_unmatched(service: Any, anonymous: ApiClient) -> None:
    path = f"/api/v1/no-such-thing-{secrets.token_hex(4)}"
    before = scrape(service)
    assert anonymous.get(path).status_code == 404
    after = scrape(service)
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert (
        total(after, "http_requests_total", **unmatched)
        - total(before, "http_requests_total", **unmatched)
        == 1
    )
    assert path not in after


def test_scrapes_are_not_counted_nor_documented(service: Any, anonymous: ApiClient) -> None:
    for _ in range(3):
        text = scrape(service)
    routes = {labels.get("route") for labels, _ in samples(text, "http_requests_total")}
    assert "/metrics" not in routes
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200, describe(response)
    assert "/metrics" not in response.json()["paths"]
