"""Items: each user reaches their own; admins reach all."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFoundError, UnauthorizedError
from app.models.item import Item
from app.services.principal import Principal


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
    try:
        await session.flush()
    except IntegrityError as exc:  # the owner was deleted after their token was issued
        raise UnauthorizedError("Account no longer exists") from exc
    return item


async def update_item(
    session: AsyncSession,
    *,
    item_id: int,
    principal: Principal,
    changes: dict[str, Any],
) -> Item:
    """Apply `changes` (field name to new value) to an item."""
    item = await get_item(session, item_id=item_id, principal=principal)
    for field, value in changes.items():
        setattr(item, field, value)
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
