"""User shapes. Passwords go in, never out."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

from app.models.user import Role

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128

# Emails are compared case-insensitively: stored and looked up lower-cased.
Email = Annotated[EmailStr, Field(max_length=320), AfterValidator(str.lower)]
Password = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)]


class Credentials(BaseModel):
    """An email and a password: the body of register and login."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password


class UserCreate(Credentials):
    """A user made by an admin, who picks the role."""

    role: Role = Role.USER


class UserUpdate(BaseModel):
    """What an admin may change on a user."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = None


class UserRead(BaseModel):
    """A user as clients see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    role: Role
    is_active: bool
    created_at: datetime
    updated_at: datetime
