"""Items endpoints: parse, call the service, shape the response."""

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Path, Router, Status

from app.routes.openapi import API_ERRORS, responses
from app.routes.pagination import DEFAULT_PAGE_SIZE, MAX_ID, PageNumber, PageSize, clamp
from app.routes.security import authenticated, current_user
from app.schemas.items import (
    ItemCreate,
    ItemEnvelope,
    ItemPage,
    ItemPageEnvelope,
    ItemRead,
    ItemReplace,
    ItemUpdate,
)
from app.services import items as item_service

router = Router(tags=["items"], auth=authenticated)
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get(
    "",
    operation_id="listItems",
    summary="List items",
    response=responses(200, ItemPageEnvelope, *API_ERRORS),
)
def list_items(
    request: HttpRequest, page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE
) -> ItemPageEnvelope:
    """One page of the caller's items (every item for an admin)."""
    items, total = item_service.list_items(
        principal=current_user(request), page=page, page_size=clamp(page_size)
    )
    return ItemPageEnvelope(
        data=ItemPage(
            items=[ItemRead.model_validate(item) for item in items],
            page=page,
            page_size=clamp(page_size),
            total=total,
        )
    )


@router.post(
    "",
    operation_id="createItem",
    summary="Create an item",
    response=responses(201, ItemEnvelope, *API_ERRORS),
)
def create_item(
    request: HttpRequest, response: HttpResponse, payload: ItemCreate
) -> Status[ItemEnvelope]:
    """Create an item owned by the caller."""
    item = item_service.create_item(
        name=payload.name,
        description=payload.description,
        owner=current_user(request),
    )
    response["Location"] = reverse("api:get_item", kwargs={"item_id": item.pk})
    return Status(201, ItemEnvelope(data=ItemRead.model_validate(item), message="Item created"))


@router.get(
    "/{item_id}",
    operation_id="getItem",
    summary="Get an item",
    response=responses(200, ItemEnvelope, *API_ERRORS, 404),
)
def get_item(request: HttpRequest, item_id: ItemId) -> ItemEnvelope:
    """One item."""
    item = item_service.get_item(item_id=item_id, principal=current_user(request))
    return ItemEnvelope(data=ItemRead.model_validate(item))


@router.put(
    "/{item_id}",
    operation_id="replaceItem",
    summary="Replace an item",
    response=responses(200, ItemEnvelope, *API_ERRORS, 404),
)
def replace_item(request: HttpRequest, payload: ItemReplace, item_id: ItemId) -> ItemEnvelope:
    """Replace every field of an item."""
    item = item_service.update_item(
        item_id=item_id,
        principal=current_user(request),
        name=payload.name,
        description=payload.description,
    )
    return ItemEnvelope(data=ItemRead.model_validate(item), message="Item updated")


@router.patch(
    "/{item_id}",
    operation_id="updateItem",
    summary="Update an item",
    response=responses(200, ItemEnvelope, *API_ERRORS, 404),
)
def update_item(request: HttpRequest, payload: ItemUpdate, item_id: ItemId) -> ItemEnvelope:
    """Change the fields sent; the others stay."""
    sent = payload.model_fields_set
    item = item_service.update_item(
        item_id=item_id,
        principal=current_user(request),
        name=payload.name if payload.name is not None else item_service.KEEP,
        description=payload.description if "description" in sent else item_service.KEEP,
    )
    return ItemEnvelope(data=ItemRead.model_validate(item), message="Item updated")


@router.delete(
    "/{item_id}",
    operation_id="deleteItem",
    summary="Delete an item",
    response=responses(204, None, *API_ERRORS, 404),
)
def delete_item(request: HttpRequest, item_id: ItemId) -> Status[None]:
    """Delete an item."""
    item_service.delete_item(item_id=item_id, principal=current_user(request))
    return Status(204, None)
