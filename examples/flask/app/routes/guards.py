"""Who is calling: the principal behind the request's credentials, read once per request."""

from flask import current_app, g, request

from app.config import Settings
from app.errors import ForbiddenError, UnauthorizedError
from app.services.principal import Principal
from app.services.tokens import decode_access_token
from app.services.users import get_active_user

# The security requirement of every operation that needs credentials.
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def current_settings() -> Settings:
    """The settings the application was created with."""
    settings: Settings = current_app.extensions["settings"]
    return settings


def current_user() -> Principal:
    """The authenticated caller; 401 without valid credentials."""
    if "principal" not in g:
        g.principal = _authenticate()
    principal: Principal = g.principal
    return principal


def require_user() -> None:
    """A blueprint's `before_request`: every route needs an authenticated caller."""
    current_user()


def require_admin_user() -> None:
    """A blueprint's `before_request`: every route needs an admin (403 otherwise)."""
    if not current_user().is_admin:
        raise ForbiddenError("Admin role required")


def _authenticate() -> Principal:
    # The token proves who calls; the account, read on every request, says what they may
    # do now: a demotion or deactivation counts from the next request on.
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("Not authenticated: send `Authorization: Bearer <token>`")
    user_id = decode_access_token(current_settings(), token=token.strip())
    account = get_active_user(user_id=user_id)
    return Principal(id=account.id, role=account.role)
