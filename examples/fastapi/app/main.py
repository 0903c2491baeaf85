"""The application factory: settings in, a fully assembled ASGI app out."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from limits.aio.storage import Storage
from starlette.middleware import Middleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.config import Settings, get_settings
from app.db import create_engine, create_sessionmaker
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
from app.utils.logging import configure_logging

DOCS_PATH = "/docs"
# Swagger UI's own files, served by the service: the docs page works without internet access.
DOCS_ASSETS_PATH = f"{DOCS_PATH}/assets"


def _middleware(settings: Settings, counters: Storage) -> list[Middleware]:
    """The middleware stack, outermost first."""
    stack = []
    if settings.trusted_proxies:
        # The client becomes the rightmost X-Forwarded-For hop no trusted proxy owns.
        stack.append(Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies))
    stack += [
        Middleware(RequestIdMiddleware),
        Middleware(AccessLogMiddleware),
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
                exempt_prefixes=("/health", DOCS_PATH, f"{API_PREFIX}/openapi.json"),
            )
        )
    stack.append(Middleware(HeadMiddleware))
    return stack


def create_app(settings: Settings | None = None) -> FastAPI:
    """Assemble routers, middleware and error handlers for `settings`."""
    settings = settings or get_settings()
    configure_logging(settings)
    configure_hashing(settings)
    engine = create_engine(settings)
    counters, release_counters = create_storage(settings.redis_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await release_counters()
        await engine.dispose()

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
        middleware=_middleware(settings, counters),
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.include_router(health.router)
    app.include_router(api_router)
    document_public_operations(app)
    return app
