"""Tracing: a span per request and per query, the trace id in the access log line."""

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from structlog.testing import CapturingLogger

from app.config import Settings
from app.main import create_app
from app.middleware import access_log
from app.tracing import create_tracer_provider
from tests.conftest import client_for


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    yield spans
    spans.clear()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    """Spans kept in memory."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


@pytest.fixture
def traced_app(settings: Settings, provider: TracerProvider) -> FastAPI:
    """The app with its own engine, so its queries are traced."""
    return create_app(settings, tracer_provider=provider)


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> CapturingLogger:
    capturing = CapturingLogger()
    monkeypatch.setattr(access_log, "logger", capturing)
    return capturing


async def test_a_request_and_its_queries_are_spans(
    traced_app: FastAPI, exporter: InMemorySpanExporter, log: CapturingLogger
) -> None:
    async with client_for(traced_app) as client:
        response = await client.get("/api/v1/items/1")
    assert response.status_code in {401, 404}
    spans = exporter.get_finished_spans()
    (request,) = [span for span in spans if span.kind is SpanKind.SERVER]
    assert request.attributes is not None
    assert request.attributes["http.route"] == "/api/v1/items/{item_id}"
    assert request.context is not None
    trace_id = request.context.trace_id
    (line,) = log.calls
    assert line.kwargs["trace_id"] == f"{trace_id:032x}"
    queries = [span for span in spans if span.kind is SpanKind.CLIENT]
    assert all(span.context is not None and span.context.trace_id == trace_id for span in queries)
    async with client_for(traced_app) as client:
        await client.get("/health/ready")  # a query, not traced: probes are left out
    assert len(exporter.get_finished_spans()) == len(spans)


async def test_query_spans_name_the_statement(
    traced_app: FastAPI, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async with traced_app.state.engine.connect() as connection:
        await connection.exec_driver_sql("SELECT 2")  # no trace to join: no span
        with provider.get_tracer("test").start_as_current_span("job"):
            await connection.exec_driver_sql("SELECT 1")
    (query,) = [
        span
        for span in exporter.get_finished_spans()
        if "SELECT 1" in str((span.attributes or {}).get("db.query.text"))
    ]
    assert query.name.startswith("SELECT ")
    assert query.kind is SpanKind.CLIENT
    assert not [
        span
        for span in exporter.get_finished_spans()
        if "SELECT 2" in str((span.attributes or {}).get("db.query.text"))
    ]


async def test_tracing_is_off_without_an_endpoint(
    make_app: Callable[..., FastAPI], settings: Settings, log: CapturingLogger
) -> None:
    assert create_tracer_provider(settings) is None
    app = make_app()
    async with client_for(app) as client:
        await client.get("/api/v1/items")
    (line,) = log.calls
    assert "trace_id" not in line.kwargs


def test_an_endpoint_turns_tracing_on(settings: Settings) -> None:
    endpoint = settings.model_copy(update={"otel_exporter_otlp_endpoint": "http://127.0.0.1:4318"})
    provider = create_tracer_provider(endpoint)
    assert provider is not None
    provider.shutdown()
