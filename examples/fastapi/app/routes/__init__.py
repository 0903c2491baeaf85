"""HTTP handlers, grouped by resource under the versioned API router."""

from fastapi import APIRouter

from app.routes import auth, items, users

API_PREFIX = "/api/v1"

api_router = APIRouter(prefix=API_PREFIX)
api_router.include_router(auth.router)
api_router.include_router(items.router)
api_router.include_router(users.router)
