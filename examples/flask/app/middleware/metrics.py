"""Prometheus metrics at /metrics: requests and durations by route template, and the
process's own metrics."""

import re
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

METRICS_PATH = "/metrics"
UNMATCHED = "unmatched"
# Werkzeug's `<item_id>` or `<int:item_id>` is OpenAPI's `{item_id}`.
_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def route_label(rule: str | None) -> str:
    """The OpenAPI path template of the matched rule; never the raw path."""
    return UNMATCHED if rule is None else _PARAMETER.sub(r"{\1}", rule)


class Metrics:
    """Created unbound; `init_app` gives an application its own registry and `/metrics`."""

    def init_app(self, app: Flask) -> None:
        """Count and time every request of `app` but the scrapes themselves."""
        registry = CollectorRegistry()
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
        requests = Counter(
            "http_requests_total",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        durations = Histogram(
            "http_request_duration_seconds",
            "HTTP request duration in seconds, by method and route template.",
            ["method", "route"],
            registry=registry,
        )

        @app.before_request
        def _start_timer() -> None:
            g.metrics_started = time.perf_counter()

        @app.after_request
        def _observe(response: Response) -> Response:
            if request.path != METRICS_PATH:
                rule = request.url_rule.rule if request.url_rule else None
                labels = {"method": request.method, "route": route_label(rule)}
                elapsed = time.perf_counter() - g.get("metrics_started", time.perf_counter())
                durations.labels(**labels).observe(elapsed)
                requests.labels(**labels, status=str(response.status_code)).inc()
            return response

        def scrape() -> Response:
            return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

        app.add_url_rule(METRICS_PATH, "metrics", scrape)
