"""Token shapes for JWT authentication."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.schemas.common import Envelope


class TokenPair(BaseModel):
    """What login and refresh return."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")


class TokenPairEnvelope(Envelope[TokenPair]):
    """A response carrying a token pair."""


class RefreshRequest(BaseModel):
    """A refresh token to rotate."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=512)


class LogoutRequest(BaseModel):
    """The refresh token to revoke; without one, every refresh token of the user is."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str | None = Field(default=None, min_length=1, max_length=512)

    @model_validator(mode="before")
    @classmethod
    def _absent_body(cls, value: object) -> object:
        # No body at all is a logout from every device, as `{}` is.
        return {} if value is None else value
