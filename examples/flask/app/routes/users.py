"""Admin-only user management."""

from flask import Response, url_for
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from app.routes.guards import SECURITY, require_admin_user
from app.routes.openapi import error_responses, operation_id
from app.schemas.common import PageQuery
from app.schemas.users import (
    UserCreate,
    UserEnvelope,
    UserPage,
    UserPageEnvelope,
    UserPath,
    UserRead,
    UserUpdate,
)
from app.services import users as user_service
from app.utils.responses import json_response

bp = APIBlueprint(
    "users",
    __name__,
    url_prefix="/users",
    abp_tags=[Tag(name="users")],
    operation_id_callback=operation_id,
    abp_security=SECURITY,
    abp_responses=error_responses(400, 401, 403, 413, 415, 422, 429, 500),
)
# Credentials and role are checked before the request is validated.
bp.before_request(require_admin_user)


@bp.get("", summary="List users", responses={200: UserPageEnvelope})
def list_users(query: PageQuery) -> Response:
    """One page of users."""
    users, total = user_service.list_users(page=query.page, page_size=query.limit)
    page = UserPage(
        items=[UserRead.model_validate(user) for user in users],
        page=query.page,
        page_size=query.limit,
        total=total,
    )
    return json_response(UserPageEnvelope(data=page))


@bp.post(
    "",
    summary="Create a user",
    responses={201: UserEnvelope, **error_responses(409)},
)
def create_user(body: UserCreate) -> Response:
    """Create a user with any role."""
    user = user_service.create_user(email=body.email, password=body.password, role=body.role)
    envelope = UserEnvelope(data=UserRead.model_validate(user), message="User created")
    location = url_for(".get_user", user_id=user.id)
    return json_response(envelope, 201, headers={"Location": location})


@bp.get(
    "/<user_id>",
    summary="Get a user",
    responses={200: UserEnvelope, **error_responses(404)},
)
def get_user(path: UserPath) -> Response:
    """One user."""
    user = user_service.get_user(user_id=path.user_id)
    return json_response(UserEnvelope(data=UserRead.model_validate(user)))


@bp.patch(
    "/<user_id>",
    summary="Update a user",
    responses={200: UserEnvelope, **error_responses(404, 409)},
)
def update_user(path: UserPath, body: UserUpdate) -> Response:
    """Change a user's role or active flag; deactivation signs them out everywhere.

    409 when it would leave no active admin.
    """
    user = user_service.update_user(user_id=path.user_id, role=body.role, is_active=body.is_active)
    return json_response(UserEnvelope(data=UserRead.model_validate(user), message="User updated"))


@bp.delete(
    "/<user_id>",
    summary="Delete a user",
    responses={204: None, **error_responses(404, 409)},
)
def delete_user(path: UserPath) -> Response:
    """Delete a user and everything they own; 409 for the last active admin."""
    user_service.delete_user(user_id=path.user_id)
    return Response(status=204)
