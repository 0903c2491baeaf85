"""Tracing: a span per request and per query, the trace id in the access log line."""

import pytest
from django.db import connection
from django.test import Client
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from pytest_django.fixtures import Settings as SettingsWrapper
from structlog.testing import CapturingLogger

from app import tracing
from app.middleware import access_log


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    """Spans kept in memory."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


@pytest.fixture
def traced_client(
    db: None,
    settings: SettingsWrapper,
    provider: TracerProvider,
    monkeypatch: pytest.MonkeyPatch,
) -> Client:
    """A client whose requests are traced into `provider`, with two more routes to trace."""
    monkeypatch.setattr(tracing, "create_tracer_provider", lambda _env: provider)
    settings.ROOT_URLCONF = "tests.tracing_urls"
    return Client()  # its middleware chain is built at its first request


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> CapturingLogger:
    capturing = CapturingLogger()
    monkeypatch.setattr(access_log, "logger", capturing)
    return capturing


def _server_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    (span,) = [span for span in exporter.get_finished_spans() if span.kind is SpanKind.SERVER]
    return span


def test_a_request_is_a_span_named_after_its_route(
    traced_client: Client, exporter: InMemorySpanExporter, log: CapturingLogger
) -> None:
    response = traced_client.get("/api/v1/items/12345")
    assert response.status_code in {401, 404}
    request = _server_span(exporter)
    assert request.name == "GET /api/v1/items/{item_id}"
    assert request.attributes is not None
    assert request.attributes["http.route"] == "/api/v1/items/{item_id}"
    assert request.attributes["http.response.status_code"] == response.status_code
    assert request.status.status_code is StatusCode.UNSET
    assert request.context is not None
    (line,) = log.calls
    assert line.kwargs["trace_id"] == f"{request.context.trace_id:032x}"


def test_queries_are_child_spans_of_the_request(
    traced_client: Client, exporter: InMemorySpanExporter
) -> None:
    assert traced_client.get("/traced/query").status_code == 200
    request = _server_span(exporter)
    assert request.context is not None
    queries = [span for span in exporter.get_finished_spans() if span.kind is SpanKind.CLIENT]
    # Savepoints and the like are spans too: every statement of the request is a child of it.
    assert all(span.parent and span.parent.span_id == request.context.span_id for span in queries)
    (query,) = [
        span for span in queries if (span.attributes or {}).get("db.query.text") == "SELECT 1"
    ]
    assert query.name == f"SELECT {connection.vendor}"
    assert query.attributes is not None
    assert query.attributes["db.system.name"] == connection.vendor


def test_a_server_error_marks_the_span(
    traced_client: Client, exporter: InMemorySpanExporter
) -> None:
    assert traced_client.get("/traced/fail").status_code == 500
    request = _server_span(exporter)
    assert request.name == "GET /traced/fail"
    assert request.status.status_code is StatusCode.ERROR


def test_probes_and_their_queries_are_not_traced(
    traced_client: Client, exporter: InMemorySpanExporter, log: CapturingLogger
) -> None:
    assert traced_client.get("/health/ready").status_code == 200  # it queries the database
    assert exporter.get_finished_spans() == ()
    (line,) = log.calls
    assert "trace_id" not in line.kwargs


def test_tracing_is_off_without_an_endpoint(
    client: Client, settings: SettingsWrapper, log: CapturingLogger
) -> None:
    assert tracing.create_tracer_provider(settings.ENV) is None
    client.get("/api/v1/items")
    (line,) = log.calls
    assert "trace_id" not in line.kwargs


def test_an_endpoint_turns_tracing_on(settings: SettingsWrapper) -> None:
    endpoint = settings.ENV.model_copy(
        update={"otel_exporter_otlp_endpoint": "http://127.0.0.1:4318"}
    )
    provider = tracing.create_tracer_provider(endpoint)
    assert provider is not None
    provider.shutdown()
