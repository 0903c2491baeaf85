"""Liveness and readiness probes, outside the versioned API."""

from django.db import DatabaseError, connection
from django.http import HttpRequest
from ninja import Router

from app.errors import ServiceUnavailableError
from app.routes.openapi import responses
from app.schemas.health import Liveness, LivenessEnvelope, Readiness, ReadinessEnvelope
from app.shutdown import draining

router = Router(tags=["health"])


@router.get(
    "/live",
    operation_id="live",
    summary="Liveness probe",
    response=responses(200, LivenessEnvelope, 500),
)
def live(request: HttpRequest) -> LivenessEnvelope:
    """The process is up and serving."""
    return LivenessEnvelope(data=Liveness())


@router.get(
    "/ready",
    operation_id="ready",
    summary="Readiness probe",
    response=responses(200, ReadinessEnvelope, 500, 503),
)
def ready(request: HttpRequest) -> ReadinessEnvelope:
    """The service can reach its database and is not shutting down."""
    if draining.is_set():
        raise ServiceUnavailableError("Shutting down")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        raise ServiceUnavailableError("Database unreachable") from exc
    return ReadinessEnvelope(data=Readiness())
