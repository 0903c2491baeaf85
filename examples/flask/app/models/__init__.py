"""Database models; importing this package registers every table on `Base.metadata`."""

from app.models.base import Base
from app.models.item import Item
from app.models.refresh_token import RefreshToken
from app.models.user import Role, User

__all__ = [
    "Base",
    "Item",
    "RefreshToken",
    "Role",
    "User",
]
