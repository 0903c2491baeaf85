"""Users: who can sign in, and with which role."""

from enum import StrEnum

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin


class Role(StrEnum):
    """What a user may do: admins manage users and reach every item."""

    ADMIN = "admin"
    USER = "user"


class User(TimestampMixin, Base):
    """An account; `email` is stored lower-cased so lookups ignore case."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda roles: [role.value for role in roles],
        ),
        default=Role.USER,
    )
    is_active: Mapped[bool] = mapped_column(default=True)
