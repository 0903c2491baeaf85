"""Authentication endpoints: register, sign in and out, who am I."""

from flask import Response, url_for
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag

from app.routes.guards import SECURITY, current_settings, current_user
from app.routes.openapi import error_responses, operation_id
from app.schemas.common import EmptyEnvelope
from app.schemas.tokens import LogoutRequest, RefreshRequest, TokenPairEnvelope
from app.schemas.users import Credentials, LoginRequest, UserEnvelope, UserRead
from app.services import tokens as token_service
from app.services import users as user_service
from app.utils.responses import json_response

bp = APIBlueprint(
    "auth",
    __name__,
    url_prefix="/auth",
    abp_tags=[Tag(name="auth")],
    operation_id_callback=operation_id,
    abp_responses=error_responses(400, 401, 413, 415, 422, 429, 500),
)


@bp.post(
    "/register",
    summary="Register an account",
    responses={201: UserEnvelope, **error_responses(409)},
)
def register(body: Credentials) -> Response:
    """Create an account with the `user` role."""
    user = user_service.create_user(email=body.email, password=body.password)
    envelope = UserEnvelope(data=UserRead.model_validate(user), message="Account created")
    location = url_for("api.users.get_user", user_id=user.id)
    return json_response(envelope, 201, headers={"Location": location})


@bp.post("/login", summary="Sign in", responses={200: TokenPairEnvelope})
def login(body: LoginRequest) -> Response:
    """Trade credentials for an access token and a refresh token."""
    user = user_service.authenticate(email=body.email, password=body.password)
    tokens = token_service.issue_tokens(current_settings(), user=user)
    return json_response(TokenPairEnvelope(data=tokens, message="Signed in"))


@bp.post("/refresh", summary="Rotate tokens", responses={200: TokenPairEnvelope})
def refresh(body: RefreshRequest) -> Response:
    """Trade a refresh token for a new pair; the old refresh token stops working."""
    tokens = token_service.rotate_refresh_token(current_settings(), raw_token=body.refresh_token)
    return json_response(TokenPairEnvelope(data=tokens, message="Tokens refreshed"))


@bp.post("/logout", summary="Sign out", security=SECURITY, responses={200: EmptyEnvelope})
def logout(body: LogoutRequest) -> Response:
    """Revoke the given refresh token, or every refresh token of the caller."""
    token_service.sign_out(user_id=current_user().id, raw_token=body.refresh_token)
    return json_response(EmptyEnvelope(data=None, message="Signed out"))


@bp.get("/me", summary="The signed-in user", security=SECURITY, responses={200: UserEnvelope})
def get_me() -> Response:
    """The caller's account."""
    account = user_service.get_active_user(user_id=current_user().id)
    return json_response(UserEnvelope(data=UserRead.model_validate(account)))
