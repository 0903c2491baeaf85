"""Users: registration, authentication and admin management."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ConflictError, NotFoundError, UnauthorizedError
from app.models.user import Role, User
from app.services.passwords import (
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)

INVALID_CREDENTIALS = "Invalid email or password"


async def create_user(
    session: AsyncSession, *, email: str, password: str, role: Role = Role.USER
) -> User:
    """Create a user; a taken email (in any letter case) is a conflict."""
    email = email.lower()
    taken = await session.scalar(select(User.id).where(User.email == email))
    if taken is not None:
        raise ConflictError("A user with this email already exists")
    user = User(email=email, password_hash=await hash_password(password), role=role)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise ConflictError("A user with this email already exists") from exc
    return user


async def authenticate(session: AsyncSession, *, email: str, password: str) -> User:
    """The active user with these credentials; one message for every failure."""
    user = await session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        await spend_verification_time(password)
        raise UnauthorizedError(INVALID_CREDENTIALS)
    if not await verify_password(user.password_hash, password) or not user.is_active:
        raise UnauthorizedError(INVALID_CREDENTIALS)
    if needs_rehash(user.password_hash):  # upgrade hashes as the parameters improve
        user.password_hash = await hash_password(password)
    return user


async def get_active_user(session: AsyncSession, *, user_id: int) -> User:
    """The caller's account, if it still exists and is active (401 otherwise)."""
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise UnauthorizedError("Account not found or deactivated")
    return user


async def get_user(session: AsyncSession, *, user_id: int) -> User:
    """The user with this id."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFoundError("User not found")
    return user


async def list_users(
    session: AsyncSession, *, page: int, page_size: int
) -> tuple[Sequence[User], int]:
    """One page of users, oldest first, and the total count."""
    total = await session.scalar(select(func.count()).select_from(User)) or 0
    users = await session.scalars(
        select(User).order_by(User.id).limit(page_size).offset((page - 1) * page_size)
    )
    return users.all(), total


async def update_user(
    session: AsyncSession, *, user_id: int, role: Role | None, is_active: bool | None
) -> User:
    """Change a user's role or active flag; `None` leaves a field as it is."""
    user = await get_user(session, user_id=user_id)
    if role is not None:
        user.role = role
    if is_active is not None:
        user.is_active = is_active
    await session.flush()
    return user


async def delete_user(session: AsyncSession, *, user_id: int) -> None:
    """Delete a user and, by cascade, everything they own."""
    user = await get_user(session, user_id=user_id)
    await session.delete(user)
    await session.flush()
