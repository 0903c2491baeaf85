"""Tracing: a span per request and per query, the trace id in the access log line."""

from collections.abc import Callable, Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import text
from structlog.testing import CapturingLogger

from app.config import Settings
from app.extensions import db
from app.main import create_app
from app.middleware import access_log
from app.routes.openapi import ContractOpenAPI
from app.tracing import create_tracer_provider
from tests.clients import ApiClient
from tests.conftest import client_for


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
def traced_app(settings: Settings, provider: TracerProvider) -> Iterator[ContractOpenAPI]:
    """The app with its own engine, so its queries are traced, and two routes to trace."""
    app = create_app(settings, tracer_provider=provider)
    app.test_client_class = ApiClient

    def query() -> str:
        return str(db.session.execute(text("SELECT 1")).scalar_one())

    def fail() -> str:
        raise RuntimeError

    app.add_url_rule("/traced/query", "traced_query", query)
    app.add_url_rule("/traced/fail", "traced_fail", fail)
    yield app
    db.dispose(app)


@pytest.fixture
def client(traced_app: ContractOpenAPI) -> ApiClient:
    return client_for(traced_app)


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> CapturingLogger:
    capturing = CapturingLogger()
    monkeypatch.setattr(access_log, "logger", capturing)
    return capturing


def _server_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    (span,) = [span for span in exporter.get_finished_spans() if span.kind is SpanKind.SERVER]
    return span


def test_a_request_is_a_span_named_after_its_route(
    client: ApiClient, exporter: InMemorySpanExporter, log: CapturingLogger
) -> None:
    response = client.get("/api/v1/items/12345")
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
    client: ApiClient, exporter: InMemorySpanExporter, traced_app: ContractOpenAPI
) -> None:
    assert client.get("/traced/query").status_code == 200
    request = _server_span(exporter)
    assert request.context is not None
    queries = [span for span in exporter.get_finished_spans() if span.kind is SpanKind.CLIENT]
    # BEGIN and the like are spans too: every statement of the request is a child of it.
    assert all(span.parent and span.parent.span_id == request.context.span_id for span in queries)
    (query,) = [
        span for span in queries if (span.attributes or {}).get("db.query.text") == "SELECT 1"
    ]
    system = traced_app.extensions["database"].engine.dialect.name
    assert query.name == f"SELECT {system}"
    assert query.attributes is not None
    assert query.attributes["db.system.name"] == system


def test_a_server_error_marks_the_span(client: ApiClient, exporter: InMemorySpanExporter) -> None:
    assert client.get("/traced/fail").status_code == 500
    request = _server_span(exporter)
    assert request.status.status_code is StatusCode.ERROR


def test_probes_and_their_queries_are_not_traced(
    client: ApiClient, exporter: InMemorySpanExporter, log: CapturingLogger
) -> None:
    assert client.get("/health/ready").status_code == 200  # it queries the database
    assert exporter.get_finished_spans() == ()
    (line,) = log.calls
    assert "trace_id" not in line.kwargs


def test_query_spans_need_a_trace_to_join(
    traced_app: ContractOpenAPI, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    with traced_app.extensions["database"].engine.connect() as connection:
        connection.exec_driver_sql("SELECT 2")  # no trace to join: no span
        with provider.get_tracer("test").start_as_current_span("job"):
            connection.exec_driver_sql("SELECT 1")
    statements = [
        (span.attributes or {}).get("db.query.text") for span in exporter.get_finished_spans()
    ]
    assert "SELECT 1" in statements
    assert "SELECT 2" not in statements


def test_tracing_is_off_without_an_endpoint(
    make_app: Callable[..., ContractOpenAPI], settings: Settings, log: CapturingLogger
) -> None:
    assert create_tracer_provider(settings) is None
    client_for(make_app()).get("/api/v1/items")
    (line,) = log.calls
    assert "trace_id" not in line.kwargs


def test_an_endpoint_turns_tracing_on(settings: Settings) -> None:
    endpoint = settings.model_copy(update={"otel_exporter_otlp_endpoint": "http://127.0.0.1:4318"})
    provider = create_tracer_provider(endpoint)
    assert provider is not None
    provider.shutdown()
