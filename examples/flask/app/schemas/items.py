"""Item shapes: what clients send and what they get back."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.models.item import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from app.schemas.common import Envelope, Page, ResourceId

# Not every database can store NUL in text: refused on all of them, and the schema says so.
NO_NUL = r"^[^\x00]*$"
ItemName = Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NO_NUL)]
ItemDescription = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH, pattern=NO_NUL)]


def _not_nullable(schema: dict[str, Any]) -> None:
    """Document an optional field as its non-null type alone."""
    branches = schema.pop("anyOf")
    schema.update(next(branch for branch in branches if branch.get("type") != "null"))
    schema.pop("default", None)


class ItemCreate(BaseModel):
    """A new item."""

    model_config = ConfigDict(extra="forbid")

    name: ItemName
    description: ItemDescription | None = None


class ItemReplace(ItemCreate):
    """A full replacement (PUT): same rules as a new item."""


class ItemUpdate(BaseModel):
    """A partial update (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    # May be left out, never null: None stands for "not sent" and stays out of the schema.
    name: ItemName | None = Field(default=None, json_schema_extra=_not_nullable)
    description: ItemDescription | None = None

    @field_validator("name")
    @classmethod
    def _name_not_null(cls, value: str | None) -> str:
        # Omitting `name` keeps it; sending null would erase a required field.
        if value is None:
            msg = "name cannot be null"
            raise ValueError(msg)
        return value


class ItemRead(BaseModel):
    """An item as clients see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    owner_id: int
    created_at: datetime
    updated_at: datetime


class ItemPage(Page[ItemRead]):
    """One page of items."""


class ItemEnvelope(Envelope[ItemRead]):
    """A response carrying one item."""


class ItemPageEnvelope(Envelope[ItemPage]):
    """A response carrying one page of items."""


class ItemPath(BaseModel):
    """The item named in the URL."""

    item_id: ResourceId
