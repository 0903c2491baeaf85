"""The application factory: settings in, a fully assembled WSGI app out."""

from flask import request
from flask_openapi3.models.info import Info
from flask_openapi3.models.license import License
from flask_openapi3.models.server import Server
from flask_openapi3.types import SecuritySchemesDict
from opentelemetry.sdk.trace import TracerProvider

from app import tracing
from app.config import Settings, get_settings
from app.db import writes_expected
from app.extensions import db, metrics, rate_limiter
from app.middleware import access_log, body, cors, request_id, security_headers
from app.middleware.errors import register_error_handlers, validation_failed
from app.middleware.metrics import METRICS_PATH
from app.middleware.proxies import TrustedProxies
from app.routes import API_PREFIX, api, health
from app.routes.openapi import (
    DOCS_PATH,
    OPENAPI_PATH,
    ContractOpenAPI,
    docs,
    operation_id,
    serve_document,
)
from app.services.passwords import configure_hashing
from app.utils.logging import configure_logging

# These methods only read: on SQLite they need no write lock.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SECURITY_SCHEMES: SecuritySchemesDict = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "The access token from /auth/login.",
    }
}


def create_app(
    settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None
) -> ContractOpenAPI:
    """Assemble blueprints, extensions, request hooks and error handlers for `settings`.

    Tracing is on with `tracer_provider`, or with one exporting to
    OTEL_EXPORTER_OTLP_ENDPOINT when that is set.
    """
    settings = settings or get_settings()
    configure_logging(settings)
    configure_hashing(settings)
    app = ContractOpenAPI(
        __name__,
        info=Info(
            title="My Service",
            description="A backend service rendered by copier-backend.",
            version="0.1.0",
            license=License(name="MIT", identifier="MIT"),
        ),
        servers=[Server(url="/")],
        security_schemes=SECURITY_SCHEMES,
        operation_id_callback=operation_id,
        validation_error_callback=validation_failed,
        doc_ui=False,
    )
    app.config.update(TITLE="My Service", DEBUG=settings.debug)
    app.extensions["settings"] = settings
    if settings.trusted_proxies:
        # The client becomes the rightmost X-Forwarded-For hop no trusted proxy owns.
        app.wsgi_app = TrustedProxies(app.wsgi_app, settings.trusted_proxies)  # type: ignore[method-assign]

    db.init_app(app, settings)
    if settings.metrics_enabled:
        metrics.init_app(app)
    request_id.init_app(app)
    access_log.init_app(app)
    tracer_provider = tracer_provider or tracing.create_tracer_provider(settings)
    if tracer_provider is not None:  # its spans still buffered are sent at exit
        tracing.init_app(app, tracer_provider)
        tracing.trace_queries(app.extensions["database"].engine, tracer_provider)
    security_headers.init_app(app, docs_prefix=DOCS_PATH, hsts=settings.is_production)
    cors.init_app(
        app,
        origins=settings.cors_origins,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["Location", "Retry-After", "X-Request-ID"],
    )
    if settings.rate_limit_enabled:
        rate_limiter.init_app(
            app,
            settings,
            auth_paths={f"{API_PREFIX}/auth/login", f"{API_PREFIX}/auth/register"},
            exempt_prefixes=("/health", DOCS_PATH, OPENAPI_PATH, METRICS_PATH),
        )
    body.init_app(app, max_bytes=settings.max_body_bytes, api_prefix=API_PREFIX)

    @app.before_request
    def _expect_writes() -> None:
        writes_expected.set(request.method not in READ_ONLY_METHODS)

    register_error_handlers(app)
    app.register_api(health.bp)
    app.register_api(api)
    app.register_blueprint(docs)
    serve_document(app)
    return app
