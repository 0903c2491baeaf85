"""Probe shapes: what liveness and readiness report."""

from typing import Literal

from pydantic import BaseModel

from app.schemas.common import Envelope


class Liveness(BaseModel):
    """The process is up."""

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """The process is up and its database answers."""

    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"


class LivenessEnvelope(Envelope[Liveness]):
    """A response carrying the liveness report."""


class ReadinessEnvelope(Envelope[Readiness]):
    """A response carrying the readiness report."""
