"""The API: every router under its prefix, one OpenAPI document, one error renderer."""

from app.routes import auth, health, items, users
from app.routes.errors import register_exception_handlers
from app.routes.openapi import API_PREFIX, ServiceAPI

DOCS_PATH = "/docs"

api = ServiceAPI(
    title="My Service",
    description="A backend service rendered by copier-backend.",
    version="0.1.0",
    openapi_url=f"{API_PREFIX}/openapi.json",
    docs_url=DOCS_PATH,
    urls_namespace="api",
    openapi_extra={
        "info": {"license": {"name": "MIT", "identifier": "MIT"}},
    },
)
api.add_router("/health", health.router)
api.add_router(f"{API_PREFIX}/auth", auth.router)
api.add_router(f"{API_PREFIX}/users", users.router)
api.add_router(f"{API_PREFIX}/items", items.router)
register_exception_handlers(api)
