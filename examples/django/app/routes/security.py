"""Who is calling: the API's bearer-token authentication and the admin check."""

from typing import cast

from django.http import HttpRequest
from ninja.security import HttpBearer

from app.errors import ForbiddenError
from app.models.user import User
from app.services.tokens import decode_access_token
from app.services.users import get_active_user


class CurrentUserAuth(HttpBearer):
    """`Authorization: Bearer <access token>`; the account is read on every request, so a
    demotion or deactivation counts from the next request on."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        """The active user the token names (401 for a bad token or a gone account)."""
        return get_active_user(user_id=decode_access_token(token=token))


class AdminUserAuth(CurrentUserAuth):
    """A bearer token of an admin (403 for anyone else)."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        """The active admin the token names."""
        return _admin(super().authenticate(request, token))


authenticated = CurrentUserAuth()
admin_only = AdminUserAuth()


def current_user(request: HttpRequest) -> User:
    """The user the request authenticated as."""
    return cast("User", request.auth)  # type: ignore[attr-defined]


def _admin(user: User) -> User:
    if not user.is_admin:
        raise ForbiddenError("Admin role required")
    return user
