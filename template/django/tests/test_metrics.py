"""Prometheus metrics: off by default (404), labelled by route template when on."""

import pytest
from django.test import Client
from django.urls import clear_url_caches
from pytest_django.fixtures import Settings as SettingsWrapper

from app.middleware.metrics import METRICS_PATH


def test_metrics_are_off_by_default(client: Client) -> None:
    response = client.get(METRICS_PATH)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.fixture
def metrics_client(db: None, settings: SettingsWrapper) -> Client:
    settings.ENV = settings.ENV.model_copy(update={"metrics_enabled": True})
    settings.MIDDLEWARE = ["app.middleware.metrics.MetricsMiddleware", *settings.MIDDLEWARE]
    settings.ROOT_URLCONF = "tests.metrics_urls"
    clear_url_caches()
    return Client()


def test_requests_are_counted_by_route_template(metrics_client: Client) -> None:
    metrics_client.get("/api/v1/items/12345")
    metrics_client.get("/no-such-page")
    text = metrics_client.get(METRICS_PATH).content.decode()
    assert 'route="/api/v1/items/{item_id}"' in text
    assert 'route="unmatched"' in text
    assert "/12345" not in text
    assert "http_request_duration_seconds_bucket" in text
    assert "process_cpu_seconds_total" in text or "python_info" in text
    assert f'route="{METRICS_PATH}"' not in text
