"""JWT access tokens and rotating, revocable refresh tokens."""

import hashlib
import secrets
import uuid
from datetime import timedelta

import jwt
from sqlalchemy import ColumnElement, delete, select, update

from app.config import Settings
from app.errors import UnauthorizedError
from app.extensions import db
from app.models.refresh_token import RefreshToken
from app.models.user import User
from app.schemas.tokens import TokenPair
from app.utils.time import utcnow

ALGORITHM = "HS256"
INVALID_TOKEN = "Invalid or expired token"
INVALID_REFRESH_TOKEN = "Invalid or expired refresh token"


def _hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def create_access_token(settings: Settings, *, user: User) -> str:
    """A short-lived signed token naming the user (their role is read per request)."""
    now = utcnow()
    claims: dict[str, object] = {
        "sub": str(user.id),
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + timedelta(seconds=settings.access_token_ttl_seconds),
    }
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def decode_access_token(settings: Settings, *, token: str) -> int:
    """The id of the user an access token was issued to."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
        return int(claims["sub"])
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise UnauthorizedError(INVALID_TOKEN) from exc


def issue_tokens(settings: Settings, *, user: User, family_id: str | None = None) -> TokenPair:
    """A new access token and a new refresh token (stored hashed), committed."""
    raw_refresh = secrets.token_urlsafe(32)
    db.session.add(
        RefreshToken(
            user_id=user.id,
            token_hash=_hash(raw_refresh),
            family_id=family_id or uuid.uuid4().hex,
            expires_at=utcnow() + timedelta(seconds=settings.refresh_token_ttl_seconds),
        )
    )
    db.session.commit()
    return TokenPair(
        access_token=create_access_token(settings, user=user),
        refresh_token=raw_refresh,
        expires_in=settings.access_token_ttl_seconds,
    )


def rotate_refresh_token(settings: Settings, *, raw_token: str) -> TokenPair:
    """Trade a refresh token for a new pair; a replayed token revokes its whole family."""
    token = db.session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _hash(raw_token))
    )
    if token is None:
        raise UnauthorizedError(INVALID_REFRESH_TOKEN)
    if token.revoked_at is not None:
        _revoke(RefreshToken.family_id == token.family_id)
        db.session.commit()  # the refusal below must not undo the revocation
        raise UnauthorizedError(INVALID_REFRESH_TOKEN)
    user = db.session.get(User, token.user_id)
    if token.expires_at <= utcnow() or user is None or not user.is_active:
        raise UnauthorizedError(INVALID_REFRESH_TOKEN)
    # Compare-and-set: of two concurrent refreshes with one token, only one wins.
    claimed = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise UnauthorizedError(INVALID_REFRESH_TOKEN)
    return issue_tokens(settings, user=user, family_id=token.family_id)


def sign_out(*, user_id: int, raw_token: str | None) -> None:
    """Revoke one refresh token of the user, or all of them when none is given."""
    conditions = [RefreshToken.user_id == user_id]
    if raw_token is not None:
        conditions.append(RefreshToken.token_hash == _hash(raw_token))
    _revoke(*conditions)
    db.session.commit()


def revoke_refresh_tokens(*, user_id: int) -> None:
    """Revoke every refresh token of the user, in the caller's transaction."""
    _revoke(RefreshToken.user_id == user_id)


def _revoke(*conditions: ColumnElement[bool]) -> None:
    db.session.execute(
        update(RefreshToken)
        .where(*conditions, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def purge_expired_refresh_tokens() -> int:
    """Delete the refresh tokens past their expiry (used or not); how many went."""
    result = db.session.execute(delete(RefreshToken).where(RefreshToken.expires_at <= utcnow()))
    db.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
