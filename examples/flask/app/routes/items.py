"""Items endpoints: parse, call the service, shape the response."""

from flask import Response, url_for
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from app.routes.guards import SECURITY, current_user, require_user
from app.routes.openapi import error_responses, operation_id
from app.schemas.common import PageQuery
from app.schemas.items import (
    ItemCreate,
    ItemEnvelope,
    ItemPage,
    ItemPageEnvelope,
    ItemPath,
    ItemRead,
    ItemReplace,
    ItemUpdate,
)
from app.services import items as item_service
from app.utils.responses import json_response

bp = APIBlueprint(
    "items",
    __name__,
    url_prefix="/items",
    abp_tags=[Tag(name="items")],
    operation_id_callback=operation_id,
    abp_security=SECURITY,
    abp_responses=error_responses(400, 401, 413, 415, 422, 429, 500),
)
# Credentials are checked before the request is validated, as in every framework.
bp.before_request(require_user)


@bp.get("", summary="List items", responses={200: ItemPageEnvelope})
def list_items(query: PageQuery) -> Response:
    """One page of the caller's items (every item for an admin)."""
    items, total = item_service.list_items(
        principal=current_user(),
        page=query.page,
        page_size=query.limit,
    )
    page = ItemPage(
        items=[ItemRead.model_validate(item) for item in items],
        page=query.page,
        page_size=query.limit,
        total=total,
    )
    return json_response(ItemPageEnvelope(data=page))


@bp.post("", summary="Create an item", responses={201: ItemEnvelope})
def create_item(body: ItemCreate) -> Response:
    """Create an item owned by the caller."""
    item = item_service.create_item(
        name=body.name,
        description=body.description,
        owner_id=current_user().id,
    )
    envelope = ItemEnvelope(data=ItemRead.model_validate(item), message="Item created")
    location = url_for(".get_item", item_id=item.id)
    return json_response(envelope, 201, headers={"Location": location})


@bp.get(
    "/<item_id>",
    summary="Get an item",
    responses={200: ItemEnvelope, **error_responses(404)},
)
def get_item(path: ItemPath) -> Response:
    """One item."""
    item = item_service.get_item(item_id=path.item_id, principal=current_user())
    return json_response(ItemEnvelope(data=ItemRead.model_validate(item)))


@bp.put(
    "/<item_id>",
    summary="Replace an item",
    responses={200: ItemEnvelope, **error_responses(404)},
)
def replace_item(path: ItemPath, body: ItemReplace) -> Response:
    """Replace every field of an item."""
    item = item_service.update_item(
        item_id=path.item_id,
        principal=current_user(),
        name=body.name,
        description=body.description,
    )
    return json_response(ItemEnvelope(data=ItemRead.model_validate(item), message="Item updated"))


@bp.patch(
    "/<item_id>",
    summary="Update an item",
    responses={200: ItemEnvelope, **error_responses(404)},
)
def update_item(path: ItemPath, body: ItemUpdate) -> Response:
    """Change the fields sent; the others stay."""
    sent = body.model_fields_set
    item = item_service.update_item(
        item_id=path.item_id,
        principal=current_user(),
        name=body.name if body.name is not None else item_service.KEEP,
        description=body.description if "description" in sent else item_service.KEEP,
    )
    return json_response(ItemEnvelope(data=ItemRead.model_validate(item), message="Item updated"))


@bp.delete(
    "/<item_id>",
    summary="Delete an item",
    responses={204: None, **error_responses(404)},
)
def delete_item(path: ItemPath) -> Response:
    """Delete an item."""
    item_service.delete_item(item_id=path.item_id, principal=current_user())
    return Response(status=204)
