"""Item shapes: what clients send and what they get back."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from app.models.item import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH

ItemName = Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH)]


class ItemCreate(BaseModel):
    """A new item."""

    model_config = ConfigDict(extra="forbid")

    name: ItemName
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX_LENGTH)


class ItemReplace(ItemCreate):
    """A full replacement (PUT): same rules as a new item."""


class ItemUpdate(BaseModel):
    """A partial update (PATCH): only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    # Optional but never null: None is only the "not sent" default, hidden from the schema.
    name: ItemName | SkipJsonSchema[None] = None
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX_LENGTH)

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
