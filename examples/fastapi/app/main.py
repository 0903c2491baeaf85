"""The application factory: settings in, a fully assembled ASGI app out."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from limits.aio.storage import Storage
from opentelemetry.sdk.trace import TracerProvider
from starlette.middleware import Middleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.config import Settings, get_settings
from app.db import create_engine, create_sessionmaker
from app.metrics import METRICS_PATH, Metrics
from app.middleware.access_log import AccessLogMiddleware
from app.middleware.body import BodyGuardMiddleware
from app.middleware.cors import EnvelopeCorsMiddleware
from app.middleware.errors import EXCEPTION_HANDLERS, UnhandledErrorMiddleware
from app.middleware.head import HeadMiddleware
from app.middleware.rate_limit import RateLimitMiddleware, create_storage
from app.middleware.request_id import RequestIdMiddleware
from app.middleware.security_headers import SecurityHeadersMiddleware
from app.routes import API_PREFIX, api_router, health
from app.routes.openapi import document_public_operations, operation_id
from app.services.passwords import configure_hashing
from app.shutdown import Shutdown
from app.tracing import create_tracer_provider, telemetry_config, trace_queries
from app.utils.logging import configure_logging

DOCS_PATH = "/docs"
# Swagger UI's own files, served by the service: the docs page works without internet access.
DOCS_ASSETS_PATH = f"{DOCS_PATH}/assets"


def _middleware(
    settings: Settings, counters: Storage, metrics: Metrics | None, *, tracing: bool
) -> list[Middleware]:
    """The middleware stack, outermost first (FastAPI's request span wraps it all)."""
    stack = []
    if settings.trusted_proxies:
        # The client becomes the rightmost X-Forwarded-For hop no trusted proxy owns.
        stack.append(Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies))
    stack += [
        Middleware(RequestIdMiddleware),
        Middleware(AccessLogMiddleware, metrics=metrics, tracing=tracing),
        Middleware(SecurityHeadersMiddleware, docs_path=DOCS_PATH, hsts=settings.is_production),
        Middleware(
            EnvelopeCorsMiddleware,
            allow_origins=settings.cors_origins,
            # Browsers refuse credentials with a wildcard origin; never combine them.
            allow_credentials="*" not in settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["Location", "Retry-After", "X-Request-ID"],
        ),
        Middleware(UnhandledErrorMiddleware, debug=settings.debug),
        Middleware(BodyGuardMiddleware, max_bytes=settings.max_body_bytes, api_prefix=API_PREFIX),
    ]
    if settings.rate_limit_enabled:
        stack.append(
            Middleware(
                RateLimitMiddleware,
                storage=counters,
                default_limit=settings.rate_limit_default,
                auth_limit=settings.rate_limit_auth,
                auth_paths={f"{API_PREFIX}/auth/login", f"{API_PREFIX}/auth/register"},
                exempt_prefixes=(
                    "/health",
                    METRICS_PATH,
                    DOCS_PATH,
                    f"{API_PREFIX}/openapi.json",
                ),
            )
        )
    stack.append(Middleware(HeadMiddleware))
    return stack


def create_app(
    settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None
) -> FastAPI:
    """Assemble routers, middleware and error handlers for `settings`.

    Tracing is on with `tracer_provider`, or with one exporting to
    OTEL_EXPORTER_OTLP_ENDPOINT when that is set.
    """
    settings = settings or get_settings()
    configure_logging(settings)
    configure_hashing(settings)
    engine = create_engine(settings)
    tracer_provider = tracer_provider or create_tracer_provider(settings)
    if tracer_provider is not None:
        trace_queries(engine, tracer_provider)
    counters, release_counters = create_storage(settings.redis_url)
    metrics = Metrics() if settings.metrics_enabled else None
    shutdown = Shutdown(settings.shutdown_grace_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        restore_sigterm = shutdown.install()
        yield
        # The server has let the requests in flight finish: close the pools.
        restore_sigterm()
        await release_counters()
        await engine.dispose()
        if tracer_provider is not None:
            tracer_provider.shutdown()  # sends the spans still buffered

    app = FastAPIOffline(
        title="My Service",
        description="A backend service rendered by copier-backend.",
        version="0.1.0",
        license_info={"name": "MIT", "identifier": "MIT"},
        servers=[{"url": "/"}],
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=DOCS_PATH,
        static_url=DOCS_ASSETS_PATH,
        redoc_url=None,
        generate_unique_id_function=operation_id,
        debug=settings.debug,
        lifespan=lifespan,
        middleware=_middleware(settings, counters, metrics, tracing=tracer_provider is not None),
        telemetry=telemetry_config(tracer_provider),
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.shutdown = shutdown
    app.state.sessionmaker = create_sessionmaker(engine)
    app.include_router(health.router)
    if metrics is not None:
        # Outside the API and its OpenAPI document; off (a 404) unless METRICS_ENABLED.
        app.add_route(METRICS_PATH, metrics.endpoint, methods=["GET"], include_in_schema=False)
    app.include_router(api_router)
    document_public_operations(app)
    return app
