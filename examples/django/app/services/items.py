"""Items: each user reaches their own; admins reach all."""

from enum import Enum
from typing import Final, Literal

from django.db import transaction
from django.db.models import QuerySet

from app.errors import NotFoundError
from app.models.item import Item
from app.models.user import User


class _Keep(Enum):
    KEEP = "keep"


# The default of an update's fields: leave the stored value as it is.
KEEP: Final = _Keep.KEEP


def _visible_items(principal: User) -> QuerySet[Item]:
    items = Item.objects.all()
    return items if principal.is_admin else items.filter(owner_id=principal.pk)


def list_items(
    *,
    principal: User,
    page: int,
    page_size: int,
) -> tuple[list[Item], int]:
    """One page of items, oldest first, and the total count: two queries, whatever the size."""
    visible = _visible_items(principal)
    offset = (page - 1) * page_size
    return list(visible.order_by("id")[offset : offset + page_size]), visible.count()


def get_item(
    *,
    item_id: int,
    principal: User,
) -> Item:
    """The item with this id, if the caller may see it."""
    try:
        return _visible_items(principal).get(pk=item_id)
    except Item.DoesNotExist as exc:
        raise NotFoundError("Item not found") from exc


@transaction.atomic
def create_item(
    *,
    name: str,
    description: str | None,
    owner: User,
) -> Item:
    """A new item owned by `owner`."""
    item = Item(name=name, description=description, owner=owner)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def update_item(
    *,
    item_id: int,
    principal: User,
    name: str | Literal[_Keep.KEEP] = KEEP,
    description: str | Literal[_Keep.KEEP] | None = KEEP,
) -> Item:
    """Change the fields given; those left at `KEEP` stay as they are."""
    item = get_item(item_id=item_id, principal=principal)
    if name is not KEEP:
        item.name = name
    if description is not KEEP:
        item.description = description
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def delete_item(
    *,
    item_id: int,
    principal: User,
) -> None:
    """Delete an item."""
    get_item(item_id=item_id, principal=principal).delete()
