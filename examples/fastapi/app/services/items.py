"""Items: each user reaches their own; admins reach all."""

from collections.abc import Sequence
from enum import Enum
from typing import Final, Literal

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFoundError
from app.models.item import Item
from app.services.principal import Principal


class _Keep(Enum):
    KEEP = "keep"


# The default of an update's fields: leave the stored value as it is.
KEEP: Final = _Keep.KEEP


def _visible_items(principal: Principal) -> Select[Item]:
    query = select(Item)
    return query if principal.is_admin else query.where(Item.owner_id == principal.id)


async def list_items(
    session: AsyncSession,
    *,
    principal: Principal,
    page: int,
    page_size: int,
) -> tuple[Sequence[Item], int]:
    """One page of items, oldest first, and the total count, in one query."""
    visible = _visible_items(principal)
    total = func.count().over().label("total")
    rows = (
        await session.execute(
            visible.add_columns(total)
            .order_by(Item.id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    ).all()
    if rows:
        return [row.Item for row in rows], rows[0].total
    # An empty page says nothing about the total: count separately (rare path).
    count = await session.scalar(select(func.count()).select_from(visible.subquery()))
    return [], count or 0


async def get_item(
    session: AsyncSession,
    *,
    item_id: int,
    principal: Principal,
) -> Item:
    """The item with this id, if the caller may see it."""
    item = await session.scalar(_visible_items(principal).where(Item.id == item_id))
    if item is None:
        raise NotFoundError("Item not found")
    return item


async def create_item(
    session: AsyncSession,
    *,
    name: str,
    description: str | None,
    owner_id: int,
) -> Item:
    """A new item owned by `owner_id`."""
    item = Item(name=name, description=description, owner_id=owner_id)
    session.add(item)
    await session.flush()
    return item


async def update_item(
    session: AsyncSession,
    *,
    item_id: int,
    principal: Principal,
    name: str | Literal[_Keep.KEEP] = KEEP,
    description: str | Literal[_Keep.KEEP] | None = KEEP,
) -> Item:
    """Change the fields given; those left at `KEEP` stay as they are."""
    item = await get_item(session, item_id=item_id, principal=principal)
    if name is not KEEP:
        item.name = name
    if description is not KEEP:
        item.description = description
    await session.flush()
    return item


async def delete_item(
    session: AsyncSession,
    *,
    item_id: int,
    principal: Principal,
) -> None:
    """Delete an item."""
    item = await get_item(session, item_id=item_id, principal=principal)
    await session.delete(item)
    await session.flush()
