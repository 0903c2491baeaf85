"""Items: each user reaches their own; admins reach all."""

from collections.abc import Sequence
from enum import Enum
from typing import Final, Literal

from sqlalchemy import Select, func, select

from app.errors import NotFoundError
from app.extensions import db
from app.models.item import Item
from app.services.principal import Principal


class _Keep(Enum):
    KEEP = "keep"


# The default of an update's fields: leave the stored value as it is.
KEEP: Final = _Keep.KEEP


def _visible_items(principal: Principal) -> Select[Item]:
    query = select(Item)
    return query if principal.is_admin else query.where(Item.owner_id == principal.id)


def list_items(
    *,
    principal: Principal,
    page: int,
    page_size: int,
) -> tuple[Sequence[Item], int]:
    """One page of items, oldest first, and the total count, in one query."""
    visible = _visible_items(principal)
    total = func.count().over().label("total")
    rows = (
        db.session.execute(
            visible.add_columns(total)
            .order_by(Item.id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    ).all()
    if rows:
        return [row.Item for row in rows], rows[0].total
    # An empty page says nothing about the total: count separately (rare path).
    count = db.session.scalar(select(func.count()).select_from(visible.subquery()))
    return [], count or 0


def get_item(
    *,
    item_id: int,
    principal: Principal,
) -> Item:
    """The item with this id, if the caller may see it."""
    item = db.session.scalar(_visible_items(principal).where(Item.id == item_id))
    if item is None:
        raise NotFoundError("Item not found")
    return item


def create_item(
    *,
    name: str,
    description: str | None,
    owner_id: int,
) -> Item:
    """A new item owned by `owner_id`."""
    item = Item(name=name, description=description, owner_id=owner_id)
    db.session.add(item)
    db.session.commit()
    return item


def update_item(
    *,
    item_id: int,
    principal: Principal,
    name: str | Literal[_Keep.KEEP] = KEEP,
    description: str | Literal[_Keep.KEEP] | None = KEEP,
) -> Item:
    """Change the fields given; those left at `KEEP` stay as they are."""
    item = get_item(item_id=item_id, principal=principal)
    if name is not KEEP:
        item.name = name
    if description is not KEEP:
        item.description = description
    db.session.commit()
    return item


def delete_item(
    *,
    item_id: int,
    principal: Principal,
) -> None:
    """Delete an item."""
    item = get_item(item_id=item_id, principal=principal)
    db.session.delete(item)
    db.session.commit()
