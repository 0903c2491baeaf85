"""Liveness and readiness probes, outside the versioned API."""

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import ServiceUnavailableError
from app.extensions import db
from app.routes.openapi import error_responses, operation_id
from app.schemas.health import Liveness, LivenessEnvelope, Readiness, ReadinessEnvelope
from app.shutdown import draining
from app.utils.responses import json_response

bp = APIBlueprint(
    "health",
    __name__,
    url_prefix="/health",
    abp_tags=[Tag(name="health")],
    operation_id_callback=operation_id,
    abp_responses=error_responses(500),
)


@bp.get("/live", summary="Liveness probe", responses={200: LivenessEnvelope})
def live() -> Response:
    """The process is up and serving."""
    return json_response(LivenessEnvelope(data=Liveness()))


@bp.get(
    "/ready",
    summary="Readiness probe",
    responses={200: ReadinessEnvelope, **error_responses(503)},
)
def ready() -> Response:
    """The service can reach its database and is not shutting down."""
    if draining.is_set():
        raise ServiceUnavailableError("Shutting down")
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        raise ServiceUnavailableError("Database unreachable") from exc
    return json_response(ReadinessEnvelope(data=Readiness()))
