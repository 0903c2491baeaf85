"""Tracing with OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.

`init_app` opens a server span per request (named after the route template);
`trace_queries` adds one per database query; the access log line carries the
trace id. The standard OTEL_* variables apply (OTEL_SERVICE_NAME,
OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES, ...).
"""

import os
from typing import Any

from flask import Flask, Response, g, request
from opentelemetry import context, trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, StatusCode
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection, ExceptionContext, ExecutionContext

from app.config import Settings
from app.middleware.metrics import route_label

DEFAULT_SERVICE_NAME = "my-service"
# Probes and scrapes every few seconds per pod would drown the traces that matter.
UNTRACED_PREFIXES = ("/health/", "/metrics")
SERVER_ERROR = 500


def create_tracer_provider(settings: Settings) -> TracerProvider | None:
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


def init_app(app: Flask, tracer_provider: TracerProvider) -> None:
    """A server span around each request of `app` but probes and scrapes."""
    tracer = tracer_provider.get_tracer("app.http")

    def start() -> None:
        if request.path.startswith(UNTRACED_PREFIXES):
            return
        attributes: dict[str, str] = {
            "http.request.method": request.method,
            "url.path": request.path,
            "url.scheme": request.scheme,
        }
        name = request.method
        if request.url_rule is not None:  # unmatched paths have no route to name the span
            attributes["http.route"] = route_label(request.url_rule.rule)
            name = f"{request.method} {attributes['http.route']}"
        span = tracer.start_span(name, kind=SpanKind.SERVER, attributes=attributes)
        g.trace_span = span
        g.trace_token = context.attach(trace.set_span_in_context(span))

    def record(response: Response) -> Response:
        span: Span | None = g.get("trace_span")
        if span is not None:
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= SERVER_ERROR:
                span.set_status(StatusCode.ERROR)
        return response

    def end(error: BaseException | None) -> None:
        span: Span | None = g.pop("trace_span", None)
        if span is None:
            return
        if error is not None:
            span.record_exception(error)
            span.set_status(StatusCode.ERROR)
        span.end()
        context.detach(g.pop("trace_token"))

    # First of the request hooks, so a refusal (rate limit, body guard) is traced too.
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(record)
    app.teardown_request(end)


def trace_queries(engine: Engine, tracer_provider: TracerProvider) -> None:
    """A client span per SQL statement inside a traced request (or another span)."""
    tracer = tracer_provider.get_tracer("app.db")
    system = engine.dialect.name
    spans: dict[int, Span] = {}  # by cursor, while its statement runs

    def before(
        _conn: Connection,
        cursor: Any,
        statement: str,
        _parameters: Any,
        _context: ExecutionContext | None,
        _executemany: bool,
    ) -> None:
        if not trace.get_current_span().get_span_context().is_valid:
            return  # no trace to join: start-up, commands, untraced probes
        operation = statement.split(None, 1)[0].upper() if statement.strip() else "SQL"
        spans[id(cursor)] = tracer.start_span(
            f"{operation} {system}",
            kind=SpanKind.CLIENT,
            attributes={"db.system.name": system, "db.query.text": statement},
        )

    def after(
        _conn: Connection,
        cursor: Any,
        _statement: str,
        _parameters: Any,
        _context: ExecutionContext | None,
        _executemany: bool,
    ) -> None:
        span = spans.pop(id(cursor), None)
        if span is not None:
            span.end()

    def failed(exception_context: ExceptionContext) -> None:
        span = spans.pop(id(exception_context.cursor), None)
        if span is not None:
            span.record_exception(exception_context.original_exception)
            span.set_status(StatusCode.ERROR)
            span.end()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", failed)
