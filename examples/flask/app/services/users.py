"""Users: registration, authentication and admin management."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import ConflictError, NotFoundError, UnauthorizedError
from app.extensions import db
from app.models.user import Role, User
from app.services.passwords import (
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from app.services.tokens import revoke_refresh_tokens

INVALID_CREDENTIALS = "Invalid email or password"
LAST_ADMIN = "The last active admin cannot be demoted, deactivated or deleted"


def create_user(*, email: str, password: str, role: Role = Role.USER) -> User:
    """Create a user; a taken email (in any letter case) is a conflict."""
    email = email.lower()
    taken = db.session.scalar(select(User.id).where(User.email == email))
    if taken is not None:
        raise ConflictError("A user with this email already exists")
    user = User(email=email, password_hash=hash_password(password), role=role)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:  # a concurrent registration won the race
        db.session.rollback()
        raise ConflictError("A user with this email already exists") from exc
    return user


def authenticate(*, email: str, password: str) -> User:
    """The active user with these credentials; one message for every failure."""
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        spend_verification_time(password)
        raise UnauthorizedError(INVALID_CREDENTIALS)
    if not verify_password(user.password_hash, password) or not user.is_active:
        raise UnauthorizedError(INVALID_CREDENTIALS)
    if needs_rehash(user.password_hash):  # upgrade hashes as the parameters improve
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def get_active_user(*, user_id: int) -> User:
    """The caller's account, if it still exists and is active (401 otherwise)."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise UnauthorizedError("Account not found or deactivated")
    return user


def get_user(*, user_id: int) -> User:
    """The user with this id."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError("User not found")
    return user


def list_users(*, page: int, page_size: int) -> tuple[Sequence[User], int]:
    """One page of users, oldest first, and the total count."""
    total = db.session.scalar(select(func.count()).select_from(User)) or 0
    users = db.session.scalars(
        select(User).order_by(User.id).limit(page_size).offset((page - 1) * page_size)
    )
    return users.all(), total


def update_user(*, user_id: int, role: Role | None, is_active: bool | None) -> User:
    """Change a user's role or active flag; `None` leaves a field as it is.

    Deactivation signs the user out everywhere, for good: reactivation revives nothing.
    """
    user = get_user(user_id=user_id)
    if (role not in (None, Role.ADMIN) or is_active is False) and _is_active_admin(user):
        _keep_another_active_admin(user_id=user.id)
    if role is not None:
        user.role = role
    if is_active is not None:
        user.is_active = is_active
    if is_active is False:
        _sign_out_everywhere(user_id=user.id)
    db.session.commit()
    return user


def delete_user(*, user_id: int) -> None:
    """Delete a user and, by cascade, everything they own: items, refresh tokens."""
    user = get_user(user_id=user_id)
    if _is_active_admin(user):
        _keep_another_active_admin(user_id=user.id)
    db.session.delete(user)
    db.session.commit()


def _is_active_admin(user: User) -> bool:
    return user.role is Role.ADMIN and user.is_active


def _keep_another_active_admin(*, user_id: int) -> None:
    # The active admins' rows stay locked until commit (a database without FOR UPDATE
    # runs writes one at a time), so two admins demoting each other cannot both pass.
    admins = db.session.scalars(
        select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True)).with_for_update()
    )
    if not set(admins) - {user_id}:
        raise ConflictError(LAST_ADMIN)


def _sign_out_everywhere(*, user_id: int) -> None:
    revoke_refresh_tokens(user_id=user_id)
