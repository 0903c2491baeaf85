"""Users: registration, authentication and admin management."""

from django.db import IntegrityError, transaction

from app.errors import ConflictError, NotFoundError, UnauthorizedError
from app.models.user import Role, User
from app.services.passwords import hash_password, spend_verification_time, verify_password
from app.services.tokens import revoke_refresh_tokens

INVALID_CREDENTIALS = "Invalid email or password"
LAST_ADMIN = "The last active admin cannot be demoted, deactivated or deleted"
EMAIL_TAKEN = "A user with this email already exists"


def create_user(*, email: str, password: str, role: Role = Role.USER) -> User:
    """Create a user; a taken email (in any letter case) is a conflict."""
    email = email.lower()
    if User.objects.filter(email=email).exists():
        raise ConflictError(EMAIL_TAKEN)
    user = User(email=email, role=role, password=hash_password(password))
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise ConflictError(EMAIL_TAKEN) from exc
    return user


def authenticate(*, email: str, password: str) -> User:
    """The active user with these credentials; one message for every failure."""
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        spend_verification_time(password)
        raise UnauthorizedError(INVALID_CREDENTIALS)
    if not verify_password(password, user.password) or not user.is_active:
        raise UnauthorizedError(INVALID_CREDENTIALS)
    return user


def get_active_user(*, user_id: int) -> User:
    """The caller's account, if it still exists and is active (401 otherwise)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise UnauthorizedError("Account not found or deactivated")
    return user


def get_user(*, user_id: int) -> User:
    """The user with this id."""
    try:
        return User.objects.get(pk=user_id)
    except User.DoesNotExist as exc:
        raise NotFoundError("User not found") from exc


def list_users(*, page: int, page_size: int) -> tuple[list[User], int]:
    """One page of users, oldest first, and the total count."""
    offset = (page - 1) * page_size
    return list(User.objects.order_by("id")[offset : offset + page_size]), User.objects.count()


@transaction.atomic
def update_user(*, user_id: int, role: Role | None, is_active: bool | None) -> User:
    """Change a user's role or active flag; `None` leaves a field as it is.

    Deactivation signs the user out everywhere, for good: reactivation revives nothing.
    """
    user = get_user(user_id=user_id)
    if (role not in (None, Role.ADMIN) or is_active is False) and _is_active_admin(user):
        _keep_another_active_admin(user_id=user.pk)
    if role is not None:
        user.role = role
    if is_active is not None:
        user.is_active = is_active
    user.save()
    if is_active is False:
        revoke_refresh_tokens(user_id=user.pk, raw_token=None)
    return user


@transaction.atomic
def delete_user(*, user_id: int) -> None:
    """Delete a user and, by cascade, everything they own: items, refresh tokens."""
    user = get_user(user_id=user_id)
    if _is_active_admin(user):
        _keep_another_active_admin(user_id=user.pk)
    user.delete()


def _is_active_admin(user: User) -> bool:
    return user.role == Role.ADMIN and user.is_active


def _keep_another_active_admin(*, user_id: int) -> None:
    # The active admins' rows stay locked until commit (a database without FOR UPDATE
    # runs writes one at a time), so two admins demoting each other cannot both pass.
    admins = set(
        User.objects.select_for_update()
        .filter(role=Role.ADMIN, is_active=True)
        .values_list("pk", flat=True)
    )
    if not admins - {user_id}:
        raise ConflictError(LAST_ADMIN)
