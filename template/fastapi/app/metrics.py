"""Prometheus metrics: requests by route template, their durations, the process.

With several worker processes (WORKERS > 1), `python -m app` points
PROMETHEUS_MULTIPROC_DIR at a fresh folder under /tmp: each worker writes its
counts there and `/metrics`, whichever worker answers, adds them all up.
"""

import os
import re

from fastapi import FastAPI
from fastapi.routing import APIRoute
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route, compile_path
from starlette.types import Scope

METRICS_PATH = "/metrics"
MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"
_ChildKey = tuple[str, str, int]


class Metrics:
    """The request metrics of one application, on a registry of its own."""

    def __init__(self) -> None:
        multiproc_dir = os.environ.get(MULTIPROC_DIR_VARIABLE)
        # In multiprocess mode the values live in files; the metrics register nowhere.
        own = None if multiproc_dir else CollectorRegistry()
        self.requests = Counter(
            "http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=own,
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            registry=own,
        )
        # What a scrape reads. In multiprocess mode, every worker's files added up, and
        # the process metrics of the worker that answers.
        self.registry = CollectorRegistry() if own is None else own
        ProcessCollector(registry=self.registry)
        if multiproc_dir:
            MultiProcessCollector(self.registry, path=multiproc_dir)  # type: ignore[no-untyped-call]
        else:
            PlatformCollector(registry=self.registry)
            GCCollector(registry=self.registry)
        # Label lookups take a lock; the hot path reuses the children it has seen.
        self._counters: dict[_ChildKey, Counter] = {}
        self._histograms: dict[tuple[str, str], Histogram] = {}
        self.route_template = RouteTemplates()

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        """Count one answered request (the metrics endpoint itself is left out)."""
        if scope["path"] == METRICS_PATH:
            return
        method, route = scope["method"], self.route_template(scope)
        key = (method, route, status)
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = self.requests.labels(method, route, str(status))
        counter.inc()
        histogram = self._histograms.get((method, route))
        if histogram is None:
            histogram = self._histograms[(method, route)] = self.duration.labels(method, route)
        histogram.observe(seconds)

    async def endpoint(self, _request: Request) -> Response:
        """GET /metrics: the Prometheus text format."""
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class RouteTemplates:
    """The path template of the route that serves a request: /api/v1/items/{item_id}.

    The router records the route in the scope, but a route of an included router
    knows only its own part of the path (/items/{item_id}): the full template is
    looked up once per route and remembered. A request answered before routing
    (rate limit, body guard) or through a copy of the scope (HEAD) is matched
    against every template; one that matches none is `unmatched`, never its raw path.
    """

    def __init__(self) -> None:
        self._by_route: dict[int, str] = {}
        self._patterns: list[tuple[re.Pattern[str], str]] | None = None

    def __call__(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is not None:
            template = self._by_route.get(id(route))
            if template is None:
                suffix = str(getattr(route, "path", ""))
                template = self._match(scope, suffix) or suffix or UNMATCHED
                self._by_route[id(route)] = template
            return template
        return self._match(scope, "") or UNMATCHED

    def _match(self, scope: Scope, suffix: str) -> str | None:
        if self._patterns is None:
            self._patterns = _patterns(scope["app"])
        path = scope["path"]
        for pattern, template in self._patterns:
            if template.endswith(suffix) and pattern.fullmatch(path):
                return template
        return None


def _patterns(app: FastAPI) -> list[tuple[re.Pattern[str], str]]:
    """Every route template of the app: the API's (from its OpenAPI document) and the rest."""
    patterns = []
    for template in app.openapi()["paths"]:
        patterns.append((compile_path(template)[0], template))
    for route in app.routes:
        if isinstance(route, Mount):  # a mount serves everything below its path
            patterns.append((compile_path(route.path + "/{path:path}")[0], route.path))
        elif isinstance(route, Route | APIRoute):
            patterns.append((compile_path(route.path)[0], route.path))
    return patterns
