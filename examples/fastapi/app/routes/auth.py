"""Authentication endpoints: register, sign in and out, who am I."""

from fastapi import APIRouter, Request, Response, status

from app.routes.deps import CurrentUser, SessionDep, SettingsDep
from app.routes.openapi import error_responses
from app.schemas.common import EmptyEnvelope
from app.schemas.tokens import LogoutRequest, RefreshRequest, TokenPairEnvelope
from app.schemas.users import Credentials, LoginRequest, UserEnvelope, UserRead
from app.services import tokens as token_service
from app.services import users as user_service

router = APIRouter(
    prefix="/auth",
    tags=["auth"],
    responses=error_responses(400, 401, 413, 415, 422, 429, 500),
)


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    summary="Register an account",
    responses=error_responses(409),
)
async def register(
    body: Credentials, session: SessionDep, request: Request, response: Response
) -> UserEnvelope:
    """Create an account with the `user` role."""
    user = await user_service.create_user(session, email=body.email, password=body.password)
    response.headers["Location"] = request.url_for("get_user", user_id=user.id).path
    return UserEnvelope(data=UserRead.model_validate(user), message="Account created")


@router.post("/login", summary="Sign in")
async def login(
    body: LoginRequest, session: SessionDep, settings: SettingsDep
) -> TokenPairEnvelope:
    """Trade credentials for an access token and a refresh token."""
    user = await user_service.authenticate(session, email=body.email, password=body.password)
    tokens = await token_service.issue_tokens(session, settings, user=user)
    return TokenPairEnvelope(data=tokens, message="Signed in")


@router.post("/refresh", summary="Rotate tokens")
async def refresh(
    body: RefreshRequest, session: SessionDep, settings: SettingsDep
) -> TokenPairEnvelope:
    """Trade a refresh token for a new pair; the old refresh token stops working."""
    tokens = await token_service.rotate_refresh_token(
        session, settings, raw_token=body.refresh_token
    )
    return TokenPairEnvelope(data=tokens, message="Tokens refreshed")


@router.post("/logout", summary="Sign out")
async def logout(
    user: CurrentUser, session: SessionDep, body: LogoutRequest | None = None
) -> EmptyEnvelope:
    """Revoke the given refresh token, or every refresh token of the caller."""
    await token_service.revoke_refresh_tokens(
        session, user_id=user.id, raw_token=body.refresh_token if body else None
    )
    return EmptyEnvelope(data=None, message="Signed out")


@router.get("/me", summary="The signed-in user")
async def get_me(user: CurrentUser, session: SessionDep) -> UserEnvelope:
    """The caller's account."""
    account = await user_service.get_active_user(session, user_id=user.id)
    return UserEnvelope(data=UserRead.model_validate(account))
