"""Tracing with OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.

FastAPI's own telemetry opens a span per request (named after the route
template); `trace_queries` adds one per database query; the access log line
carries the trace id. The standard OTEL_* variables apply (OTEL_SERVICE_NAME,
OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES, ...).
"""

import os
from typing import Any

from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, StatusCode
from sqlalchemy import event
from sqlalchemy.engine import Connection, ExceptionContext, ExecutionContext
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings

DEFAULT_SERVICE_NAME = "my-service"
# Probes and scrapes every few seconds per pod would drown the traces that matter.
UNTRACED_PREFIXES = ("/health/", "/metrics")


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


def telemetry_config(tracer_provider: TracerProvider | None) -> TelemetryConfig:
    """FastAPI's telemetry: request spans on `tracer_provider`, nothing at all without one."""
    if tracer_provider is None:
        return {"tracing": False, "metrics": False, "logs": False}
    return {
        "tracer_provider": tracer_provider,
        "metrics": False,  # /metrics has them (Prometheus)
        "logs": False,  # the structured log has them
        "operation_spans": False,
        "exclude": lambda scope: str(scope.get("path", "")).startswith(UNTRACED_PREFIXES),
    }


def trace_queries(engine: AsyncEngine, tracer_provider: TracerProvider) -> None:
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

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)
    event.listen(engine.sync_engine, "handle_error", failed)
