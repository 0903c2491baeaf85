"""Tracing with OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.

`TracingMiddleware` opens a server span per request (named after the route
template) and a client span per database query the request makes; the access
log line carries the trace id. The standard OTEL_* variables apply
(OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES, ...).
"""

import os
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, StatusCode, Tracer

from app.middleware.metrics import route_template
from config.env import Env

DEFAULT_SERVICE_NAME = "my-service"
# Probes and scrapes every few seconds per pod would drown the traces that matter.
UNTRACED_PREFIXES = ("/health/", "/metrics")
SERVER_ERROR = 500


def create_tracer_provider(settings: Env) -> TracerProvider | None:
    """An OTLP (HTTP) exporting provider when an endpoint is set; None keeps tracing off."""
    if not settings.otel_exporter_otlp_endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415 (protobuf, only when on)
        OTLPSpanExporter,
    )

    # OTEL_SERVICE_NAME, when set, names the service; otherwise the project does.
    named = {} if "OTEL_SERVICE_NAME" in os.environ else {SERVICE_NAME: DEFAULT_SERVICE_NAME}
    provider = TracerProvider(resource=Resource.create(named))
    endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/")
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(f"{endpoint}/v1/traces")))
    return provider


class QuerySpans:
    """A client span per SQL statement: an execute wrapper (`connection.execute_wrapper`)."""

    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        system = context["connection"].vendor
        operation = sql.split(None, 1)[0].upper() if sql.strip() else "SQL"
        with self.tracer.start_as_current_span(
            f"{operation} {system}",
            kind=SpanKind.CLIENT,
            attributes={"db.system.name": system, "db.query.text": sql},
        ):
            return execute(sql, params, many, context)


class TracingMiddleware:
    """A server span per request but probes and scrapes, its queries as child spans.

    Django leaves it out of the chain (MiddlewareNotUsed) while tracing is off.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        tracer_provider = create_tracer_provider(settings.ENV)
        if tracer_provider is None:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.tracer = tracer_provider.get_tracer("app.http")
        self.query_spans = QuerySpans(tracer_provider.get_tracer("app.db"))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(UNTRACED_PREFIXES):
            return self.get_response(request)
        method = request.method or "GET"
        attributes = {"http.request.method": method, "url.path": request.path}
        with (
            self.tracer.start_as_current_span(
                method, kind=SpanKind.SERVER, attributes=attributes
            ) as span,
            ExitStack() as wrapped,
        ):
            for connection in connections.all():
                wrapped.enter_context(connection.execute_wrapper(self.query_spans))
            response = self.get_response(request)
            if request.resolver_match is not None:  # the route is known once resolved
                route = route_template(request)
                span.update_name(f"{method} {route}")
                span.set_attribute("http.route", route)
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= SERVER_ERROR:
                span.set_status(StatusCode.ERROR)
            return response
