"""Prometheus metrics: off by default; when on, labelled by route template, never raw path."""

from collections.abc import Callable

from app.routes.openapi import ContractOpenAPI
from tests.clients import ApiClient
from tests.conftest import client_for


def test_metrics_are_off_by_default(client: ApiClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOT_FOUND"


def test_requests_are_counted_by_route_template(
    make_app: Callable[..., ContractOpenAPI],
) -> None:
    client = client_for(make_app(metrics_enabled=True))
    client.get("/health/live")
    client.get("/api/v1/items/12345")
    client.get("/no/such/path/42")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    text = response.text
    assert 'http_requests_total{method="GET",route="/health/live",status="200"} 1.0' in text
    assert 'route="/api/v1/items/{item_id}"' in text
    assert 'route="unmatched",status="404"' in text
    assert "12345" not in text
    assert "/no/such/path" not in text
    assert 'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/health/live"}' in (
        text
    )
    assert "process_cpu_seconds_total" in text


def test_the_scrape_itself_is_not_counted(make_app: Callable[..., ContractOpenAPI]) -> None:
    client = client_for(make_app(metrics_enabled=True))
    client.get("/metrics")
    assert 'route="/metrics"' not in client.get("/metrics").text


def test_metrics_are_not_in_the_openapi_document(make_app: Callable[..., ContractOpenAPI]) -> None:
    client = client_for(make_app(metrics_enabled=True))
    assert "/metrics" not in client.get("/api/v1/openapi.json").json["paths"]


def test_metrics_are_not_rate_limited(make_app: Callable[..., ContractOpenAPI]) -> None:
    app = make_app(metrics_enabled=True, rate_limit_enabled=True, rate_limit_default="1/minute")
    client = client_for(app, "10.9.8.7")
    assert {client.get("/metrics").status_code for _ in range(3)} == {200}
