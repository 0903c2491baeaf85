"""Liveness and readiness probes, outside the versioned API."""

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import ServiceUnavailableError
from app.routes.openapi import error_responses
from app.schemas.health import Liveness, LivenessEnvelope, Readiness, ReadinessEnvelope

router = APIRouter(prefix="/health", tags=["health"], responses=error_responses(500))


@router.get("/live", summary="Liveness probe")
async def live() -> LivenessEnvelope:
    """The process is up and serving."""
    return LivenessEnvelope(data=Liveness())


@router.get("/ready", summary="Readiness probe", responses=error_responses(503))
async def ready(request: Request) -> ReadinessEnvelope:
    """The service can reach its database and is not shutting down."""
    if request.app.state.shutdown.draining:
        raise ServiceUnavailableError("Shutting down")
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        raise ServiceUnavailableError("Database unreachable") from exc
    return ReadinessEnvelope(data=Readiness())
