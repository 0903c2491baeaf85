"""Items endpoints: parse, call the service, shape the response."""

from fastapi import APIRouter, Request, Response, status

from app.routes.deps import CurrentUser, PaginationDep, ResourceId, SessionDep
from app.routes.openapi import error_responses
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

router = APIRouter(
    prefix="/items",
    tags=["items"],
    responses=error_responses(400, 401, 413, 415, 422, 429, 500),
)


@router.get("", summary="List items")
async def list_items(
    session: SessionDep,
    user: CurrentUser,
    pagination: PaginationDep,
) -> ItemPageEnvelope:
    """One page of the caller's items (every item for an admin)."""
    items, total = await item_service.list_items(
        session, principal=user, page=pagination.page, page_size=pagination.page_size
    )
    return ItemPageEnvelope(
        data=ItemPage(
            items=[ItemRead.model_validate(item) for item in items],
            page=pagination.page,
            page_size=pagination.page_size,
            total=total,
        )
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an item")
async def create_item(
    body: ItemCreate,
    session: SessionDep,
    user: CurrentUser,
    request: Request,
    response: Response,
) -> ItemEnvelope:
    """Create an item owned by the caller."""
    item = await item_service.create_item(
        session,
        name=body.name,
        description=body.description,
        owner_id=user.id,
    )
    response.headers["Location"] = request.url_for("get_item", item_id=item.id).path
    return ItemEnvelope(data=ItemRead.model_validate(item), message="Item created")


@router.get("/{item_id}", summary="Get an item", responses=error_responses(404))
async def get_item(
    item_id: ResourceId,
    session: SessionDep,
    user: CurrentUser,
) -> ItemEnvelope:
    """One item."""
    item = await item_service.get_item(session, item_id=item_id, principal=user)
    return ItemEnvelope(data=ItemRead.model_validate(item))


@router.put("/{item_id}", summary="Replace an item", responses=error_responses(404))
async def replace_item(
    item_id: ResourceId,
    body: ItemReplace,
    session: SessionDep,
    user: CurrentUser,
) -> ItemEnvelope:
    """Replace every field of an item."""
    item = await item_service.update_item(
        session,
        item_id=item_id,
        principal=user,
        name=body.name,
        description=body.description,
    )
    return ItemEnvelope(data=ItemRead.model_validate(item), message="Item updated")


@router.patch("/{item_id}", summary="Update an item", responses=error_responses(404))
async def update_item(
    item_id: ResourceId,
    body: ItemUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> ItemEnvelope:
    """Change the fields sent; the others stay."""
    sent = body.model_fields_set
    item = await item_service.update_item(
        session,
        item_id=item_id,
        principal=user,
        name=body.name if body.name is not None else item_service.KEEP,
        description=body.description if "description" in sent else item_service.KEEP,
    )
    return ItemEnvelope(data=ItemRead.model_validate(item), message="Item updated")


@router.delete(
    "/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an item",
    responses=error_responses(404),
)
async def delete_item(
    item_id: ResourceId,
    session: SessionDep,
    user: CurrentUser,
) -> None:
    """Delete an item."""
    await item_service.delete_item(session, item_id=item_id, principal=user)
