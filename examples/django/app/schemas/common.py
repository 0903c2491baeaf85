"""The response envelope, shared by every endpoint.

Generic shapes are subclassed under deliberate names (`ItemEnvelope`, `ItemPage`): the
OpenAPI schema names clients see are the same in every framework (STANDARDS section 2).
"""

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from app.errors import ErrorCode
from app.utils.time import utcnow

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

DataT = TypeVar("DataT")
ItemT = TypeVar("ItemT")


def _now() -> datetime:
    return utcnow().replace(microsecond=0)


class Envelope(BaseModel, Generic[DataT]):
    """A successful response."""

    success: bool = True
    data: DataT
    message: str = "OK"
    timestamp: datetime = Field(default_factory=_now)


class Page(BaseModel, Generic[ItemT]):
    """One page of a list; `total` counts every match."""

    items: list[ItemT]
    page: int
    page_size: int
    total: int


class EmptyEnvelope(Envelope[None]):
    """A success that carries no data."""


class ErrorBody(BaseModel):
    """What went wrong: a stable code, a message for people, per-field details."""

    code: ErrorCode
    message: str
    details: dict[str, Any] | None = None


class ErrorEnvelope(BaseModel):
    """A failed response."""

    success: bool = False
    error: ErrorBody
    timestamp: datetime = Field(default_factory=_now)
