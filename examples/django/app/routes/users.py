"""Admin-only user management."""

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Path, Router, Status

from app.routes.openapi import API_ERRORS, responses
from app.routes.pagination import DEFAULT_PAGE_SIZE, MAX_ID, PageNumber, PageSize, clamp
from app.routes.security import admin_only
from app.schemas.users import (
    UserCreate,
    UserEnvelope,
    UserPage,
    UserPageEnvelope,
    UserRead,
    UserUpdate,
)
from app.services import users as user_service

router = Router(tags=["users"], auth=admin_only)
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
ADMIN_ERRORS = (*API_ERRORS, 403)


@router.get(
    "",
    operation_id="listUsers",
    summary="List users",
    response=responses(200, UserPageEnvelope, *ADMIN_ERRORS),
)
def list_users(
    request: HttpRequest, page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE
) -> UserPageEnvelope:
    """One page of users."""
    users, total = user_service.list_users(page=page, page_size=clamp(page_size))
    return UserPageEnvelope(
        data=UserPage(
            items=[UserRead.model_validate(user) for user in users],
            page=page,
            page_size=clamp(page_size),
            total=total,
        )
    )


@router.post(
    "",
    operation_id="createUser",
    summary="Create a user",
    response=responses(201, UserEnvelope, *ADMIN_ERRORS, 409),
)
def create_user(
    request: HttpRequest, response: HttpResponse, payload: UserCreate
) -> Status[UserEnvelope]:
    """Create a user with any role."""
    user = user_service.create_user(
        email=payload.email, password=payload.password, role=payload.role
    )
    response["Location"] = reverse("api:get_user", kwargs={"user_id": user.pk})
    return Status(201, UserEnvelope(data=UserRead.model_validate(user), message="User created"))


@router.get(
    "/{user_id}",
    operation_id="getUser",
    summary="Get a user",
    response=responses(200, UserEnvelope, *ADMIN_ERRORS, 404),
)
def get_user(request: HttpRequest, user_id: UserId) -> UserEnvelope:
    """One user."""
    return UserEnvelope(data=UserRead.model_validate(user_service.get_user(user_id=user_id)))


@router.patch(
    "/{user_id}",
    operation_id="updateUser",
    summary="Update a user",
    response=responses(200, UserEnvelope, *ADMIN_ERRORS, 404, 409),
)
def update_user(request: HttpRequest, payload: UserUpdate, user_id: UserId) -> UserEnvelope:
    """Change a user's role or active flag; deactivation signs them out everywhere.

    409 when it would leave no active admin.
    """
    user = user_service.update_user(user_id=user_id, role=payload.role, is_active=payload.is_active)
    return UserEnvelope(data=UserRead.model_validate(user), message="User updated")


@router.delete(
    "/{user_id}",
    operation_id="deleteUser",
    summary="Delete a user",
    response=responses(204, None, *ADMIN_ERRORS, 404, 409),
)
def delete_user(request: HttpRequest, user_id: UserId) -> Status[None]:
    """Delete a user and everything they own; 409 for the last active admin."""
    user_service.delete_user(user_id=user_id)
    return Status(204, None)
