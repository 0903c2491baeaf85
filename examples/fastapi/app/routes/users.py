"""Admin-only user management."""

from fastapi import APIRouter, Request, Response, status

from app.routes.deps import AdminUser, PaginationDep, ResourceId, SessionDep
from app.routes.openapi import error_responses
from app.schemas.users import (
    UserCreate,
    UserEnvelope,
    UserPage,
    UserPageEnvelope,
    UserRead,
    UserUpdate,
)
from app.services import users as user_service

router = APIRouter(
    prefix="/users",
    tags=["users"],
    responses=error_responses(400, 401, 403, 413, 415, 422, 429, 500),
)


@router.get("", summary="List users")
async def list_users(
    _admin: AdminUser, session: SessionDep, pagination: PaginationDep
) -> UserPageEnvelope:
    """One page of users."""
    users, total = await user_service.list_users(
        session, page=pagination.page, page_size=pagination.page_size
    )
    return UserPageEnvelope(
        data=UserPage(
            items=[UserRead.model_validate(user) for user in users],
            page=pagination.page,
            page_size=pagination.page_size,
            total=total,
        )
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a user",
    responses=error_responses(409),
)
async def create_user(
    body: UserCreate, _admin: AdminUser, session: SessionDep, request: Request, response: Response
) -> UserEnvelope:
    """Create a user with any role."""
    user = await user_service.create_user(
        session, email=body.email, password=body.password, role=body.role
    )
    response.headers["Location"] = request.url_for("get_user", user_id=user.id).path
    return UserEnvelope(data=UserRead.model_validate(user), message="User created")


@router.get("/{user_id}", summary="Get a user", responses=error_responses(404))
async def get_user(user_id: ResourceId, _admin: AdminUser, session: SessionDep) -> UserEnvelope:
    """One user."""
    user = await user_service.get_user(session, user_id=user_id)
    return UserEnvelope(data=UserRead.model_validate(user))


@router.patch("/{user_id}", summary="Update a user", responses=error_responses(404, 409))
async def update_user(
    user_id: ResourceId, body: UserUpdate, _admin: AdminUser, session: SessionDep
) -> UserEnvelope:
    """Change a user's role or active flag; deactivation signs them out everywhere.

    409 when it would leave no active admin.
    """
    user = await user_service.update_user(
        session, user_id=user_id, role=body.role, is_active=body.is_active
    )
    return UserEnvelope(data=UserRead.model_validate(user), message="User updated")


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a user",
    responses=error_responses(404, 409),
)
async def delete_user(user_id: ResourceId, _admin: AdminUser, session: SessionDep) -> None:
    """Delete a user and everything they own; 409 for the last active admin."""
    await user_service.delete_user(session, user_id=user_id)
