"""JWT access tokens and rotating, revocable refresh tokens."""

import hashlib
import secrets
import uuid
from datetime import timedelta

import jwt
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from app.errors import UnauthorizedError
from app.models.refresh_token import RefreshToken
from app.models.user import User
from app.schemas.tokens import TokenPair
from app.utils.time import utcnow

ALGORITHM = "HS256"
INVALID_TOKEN = "Invalid or expired token"
INVALID_REFRESH_TOKEN = "Invalid or expired refresh token"


def _hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def create_access_token(*, user: User) -> str:
    """A short-lived signed token naming the user (their role is read per request)."""
    env = settings.ENV
    now = utcnow()
    claims: dict[str, object] = {
        "sub": str(user.pk),
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + timedelta(seconds=env.access_token_ttl_seconds),
    }
    if env.jwt_issuer:
        claims["iss"] = env.jwt_issuer
    if env.jwt_audience:
        claims["aud"] = env.jwt_audience
    return jwt.encode(claims, env.secret_key, algorithm=ALGORITHM)


def decode_access_token(*, token: str) -> int:
    """The id of the user an access token was issued to."""
    env = settings.ENV
    try:
        claims = jwt.decode(
            token,
            env.secret_key,
            algorithms=[ALGORITHM],
            issuer=env.jwt_issuer,
            audience=env.jwt_audience,
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
        return int(claims["sub"])
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise UnauthorizedError(INVALID_TOKEN) from exc


@transaction.atomic
def issue_tokens(*, user: User, family_id: str | None = None) -> TokenPair:
    """A new access token and a new refresh token (stored hashed)."""
    env = settings.ENV
    raw_refresh = secrets.token_urlsafe(32)
    RefreshToken.objects.create(
        user=user,
        token_hash=_hash(raw_refresh),
        family_id=family_id or uuid.uuid4().hex,
        expires_at=utcnow() + timedelta(seconds=env.refresh_token_ttl_seconds),
    )
    return TokenPair(
        access_token=create_access_token(user=user),
        refresh_token=raw_refresh,
        expires_in=env.access_token_ttl_seconds,
    )


def rotate_refresh_token(*, raw_token: str) -> TokenPair:
    """Trade a refresh token for a new pair; a replayed token revokes its whole family."""
    token = RefreshToken.objects.select_related("user").filter(token_hash=_hash(raw_token)).first()
    if token is None:
        raise UnauthorizedError(INVALID_REFRESH_TOKEN)
    if token.revoked_at is not None:
        # Committed on its own: the refusal below must not undo the revocation.
        _revoke(RefreshToken.objects.filter(family_id=token.family_id))
        raise UnauthorizedError(INVALID_REFRESH_TOKEN)
    user = token.user
    if token.expires_at <= utcnow() or not user.is_active:
        raise UnauthorizedError(INVALID_REFRESH_TOKEN)
    with transaction.atomic():
        # Compare-and-set: of two concurrent refreshes with one token, only one wins.
        claimed = _revoke(RefreshToken.objects.filter(pk=token.pk))
        if claimed != 1:
            raise UnauthorizedError(INVALID_REFRESH_TOKEN)
        return issue_tokens(user=user, family_id=token.family_id)


def revoke_refresh_tokens(*, user_id: int, raw_token: str | None) -> None:
    """Revoke one refresh token of the user, or all of them when none is given."""
    tokens = RefreshToken.objects.filter(user_id=user_id)
    if raw_token is not None:
        tokens = tokens.filter(token_hash=_hash(raw_token))
    _revoke(tokens)


def _revoke(tokens: QuerySet[RefreshToken]) -> int:
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=utcnow())


def purge_expired_refresh_tokens() -> int:
    """Delete the refresh tokens past their expiry (used or not); how many went."""
    deleted, _ = RefreshToken.objects.filter(expires_at__lte=utcnow()).delete()
    return deleted
