"""User shapes. Passwords go in, never out."""

from datetime import datetime
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from app.models.user import Role
from app.schemas.common import Envelope, Page, ResourceId

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
# Login checks credentials, not today's policy: any length up to this bound is hashed
# and compared (so tightening the policy locks nobody out); longer is refused unhashed.
LOGIN_PASSWORD_MAX_LENGTH = 1024


def _email(value: str) -> str:
    """A well-formed address, lower-cased: stored and looked up ignoring case.

    Whether it receives mail is for a confirmation email to tell, so reserved domains
    such as `.test` pass too (`test_environment` lifts only that ban).
    """
    try:
        address = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    return address.normalized.lower()


Email = Annotated[
    str, Field(max_length=320, json_schema_extra={"format": "email"}), AfterValidator(_email)
]
Password = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)]


class Credentials(BaseModel):
    """An email and a password: the body of register and login."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password


class LoginRequest(BaseModel):
    """The body of login: an email and a password, whatever the password policy."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Annotated[str, Field(min_length=1, max_length=LOGIN_PASSWORD_MAX_LENGTH)]


class UserCreate(Credentials):
    """A user made by an admin, who picks the role."""

    role: Role = Role.USER


class UserUpdate(BaseModel):
    """What an admin may change on a user."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: StrictBool | None = None  # true or false, not 1 or "yes"


class UserRead(BaseModel):
    """A user as clients see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    role: Role
    is_active: bool
    created_at: datetime
    updated_at: datetime


class UserPage(Page[UserRead]):
    """One page of users."""


class UserEnvelope(Envelope[UserRead]):
    """A response carrying one user."""


class UserPageEnvelope(Envelope[UserPage]):
    """A response carrying one page of users."""


class UserPath(BaseModel):
    """The user named in the URL."""

    user_id: ResourceId
