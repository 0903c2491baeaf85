"""The response envelope, shared by every endpoint.

Generic shapes are subclassed under deliberate names (`ItemEnvelope`, `ItemPage`): the
OpenAPI schema names clients see are the same in every framework (STANDARDS section 2).
"""

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

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


# Ids are positive 32-bit integers on every database.
ResourceId = Annotated[int, Field(ge=1, le=2_147_483_647)]


class PageQuery(BaseModel):
    """`?page=&page_size=`; sizes above the cap are clamped, not refused."""

    page: int = Field(default=1, ge=1, le=1_000_000, description="1-based page number.")
    page_size: int = Field(
        default=DEFAULT_PAGE_SIZE, ge=1, description=f"Items per page, capped at {MAX_PAGE_SIZE}."
    )

    @property
    def limit(self) -> int:
        """The page size actually served."""
        return min(self.page_size, MAX_PAGE_SIZE)
