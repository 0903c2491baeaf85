"""Page parameters shared by the list endpoints."""

from typing import Annotated

from ninja import Query

from app.schemas.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# Ids are positive 32-bit integers on every database.
MAX_ID = 2_147_483_647

PageNumber = Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number.")]
# Sizes above the cap are clamped (`clamp()`), not refused.
PageSize = Annotated[int, Query(ge=1, description=f"Items per page, capped at {MAX_PAGE_SIZE}.")]


def clamp(page_size: int) -> int:
    """The page size actually served."""
    return min(page_size, MAX_PAGE_SIZE)


__all__ = ["DEFAULT_PAGE_SIZE", "MAX_ID", "PageNumber", "PageSize", "clamp"]
