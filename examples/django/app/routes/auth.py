"""Authentication endpoints: register, sign in and out, who am I."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status

from app.routes.openapi import API_ERRORS, responses
from app.routes.security import authenticated, current_user
from app.schemas.common import EmptyEnvelope
from app.schemas.tokens import LogoutRequest, RefreshRequest, TokenPairEnvelope
from app.schemas.users import Credentials, LoginRequest, UserEnvelope, UserRead
from app.services import tokens as token_service
from app.services import users as user_service

router = Router(tags=["auth"])


@router.post(
    "/register",
    operation_id="register",
    summary="Register an account",
    response=responses(201, UserEnvelope, *API_ERRORS, 409),
)
def register(
    request: HttpRequest, response: HttpResponse, payload: Credentials
) -> Status[UserEnvelope]:
    """Create an account with the `user` role."""
    user = user_service.create_user(email=payload.email, password=payload.password)
    response["Location"] = reverse("api:get_user", kwargs={"user_id": user.pk})
    return Status(201, UserEnvelope(data=UserRead.model_validate(user), message="Account created"))


@router.post(
    "/login",
    operation_id="login",
    summary="Sign in",
    response=responses(200, TokenPairEnvelope, *API_ERRORS),
)
def login(request: HttpRequest, payload: LoginRequest) -> TokenPairEnvelope:
    """Trade credentials for an access token and a refresh token."""
    user = user_service.authenticate(email=payload.email, password=payload.password)
    return TokenPairEnvelope(data=token_service.issue_tokens(user=user), message="Signed in")


@router.post(
    "/refresh",
    operation_id="refresh",
    summary="Rotate tokens",
    response=responses(200, TokenPairEnvelope, *API_ERRORS),
)
def refresh(request: HttpRequest, payload: RefreshRequest) -> TokenPairEnvelope:
    """Trade a refresh token for a new pair; the old refresh token stops working."""
    tokens = token_service.rotate_refresh_token(raw_token=payload.refresh_token)
    return TokenPairEnvelope(data=tokens, message="Tokens refreshed")


@router.post(
    "/logout",
    operation_id="logout",
    summary="Sign out",
    auth=authenticated,
    response=responses(200, EmptyEnvelope, *API_ERRORS),
)
def logout(request: HttpRequest, payload: LogoutRequest | None = None) -> EmptyEnvelope:
    """Revoke the given refresh token, or every refresh token of the caller."""
    token_service.revoke_refresh_tokens(
        user_id=current_user(request).pk,
        raw_token=payload.refresh_token if payload else None,
    )
    return EmptyEnvelope(data=None, message="Signed out")


@router.get(
    "/me",
    operation_id="getMe",
    summary="The signed-in user",
    auth=authenticated,
    response=responses(200, UserEnvelope, *API_ERRORS),
)
def get_me(request: HttpRequest) -> UserEnvelope:
    """The caller's account."""
    return UserEnvelope(data=UserRead.model_validate(current_user(request)))
