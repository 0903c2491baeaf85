"""The dependency vocabulary of the routes, as `Annotated` aliases."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import writes_expected
from app.errors import ForbiddenError, UnauthorizedError
from app.schemas.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from app.services.principal import Principal
from app.services.tokens import decode_access_token
from app.services.users import get_active_user


async def _settings(request: Request) -> Settings:  # async: no threadpool hop
    settings: Settings = request.app.state.settings
    return settings


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    # One transaction per request, committed before the response is sent.
    writes_expected.set(request.method not in READ_ONLY_METHODS)
    async with request.app.state.sessionmaker() as session:
        yield session
        await session.commit()


# GET and HEAD only read: on SQLite they need no write lock.
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
SettingsDep = Annotated[Settings, Depends(_settings)]
SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]

_bearer = HTTPBearer(
    scheme_name="bearerAuth",  # the contract's name, not the class's
    auto_error=False,
    description="The access token from /auth/login.",
)


async def _current_user(
    settings: SettingsDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    # The token proves who calls; the account, read on every request, says what they may
    # do now: a demotion or deactivation counts from the next request on.
    if credentials is None:
        raise UnauthorizedError("Not authenticated: send `Authorization: Bearer <token>`")
    user_id = decode_access_token(settings, token=credentials.credentials)
    account = await get_active_user(session, user_id=user_id)
    return Principal(id=account.id, role=account.role)


async def _admin_user(principal: Annotated[Principal, Depends(_current_user)]) -> Principal:
    if not principal.is_admin:
        raise ForbiddenError("Admin role required")
    return principal


CurrentUser = Annotated[Principal, Depends(_current_user)]
AdminUser = Annotated[Principal, Depends(_admin_user)]


@dataclass(frozen=True, slots=True)
class Pagination:
    """`?page=&page_size=`; sizes above the cap are clamped, not refused."""

    page: int
    page_size: int


async def _pagination(  # async: FastAPI runs a sync dependency in its threadpool
    page: Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number.")] = 1,
    page_size: Annotated[
        int, Query(ge=1, description=f"Items per page, capped at {MAX_PAGE_SIZE}.")
    ] = DEFAULT_PAGE_SIZE,
) -> Pagination:
    return Pagination(page=page, page_size=min(page_size, MAX_PAGE_SIZE))


PaginationDep = Annotated[Pagination, Depends(_pagination)]
# Ids are positive 32-bit integers on every database.
ResourceId = Annotated[int, Path(ge=1, le=2_147_483_647)]
