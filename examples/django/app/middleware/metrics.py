"""Prometheus metrics (METRICS_ENABLED): requests by route template, method and status."""

import re
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram

METRICS_PATH = "/metrics"
REQUESTS = Counter("http_requests_total", "HTTP requests answered.", ["method", "route", "status"])
DURATION = Histogram(
    "http_request_duration_seconds", "Time to answer an HTTP request.", ["method", "route"]
)
# Django's `<item_id>` / `<int:item_id>` written as the OpenAPI template's `{item_id}`.
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def route_template(request: HttpRequest) -> str:
    """The OpenAPI path template of the matched route, never the raw path."""
    match = request.resolver_match
    if match is None:
        return "unmatched"
    return "/" + _PARAMETER.sub(r"{\1}", match.route)


class MetricsMiddleware:
    """Counts and times every request but the scrape itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == METRICS_PATH:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_template(request)
        DURATION.labels(request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response
