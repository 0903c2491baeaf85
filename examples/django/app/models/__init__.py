"""Database models: one module per table; migrations are the only source of the schema."""

from app.models.item import Item
from app.models.refresh_token import RefreshToken
from app.models.user import Role, User

__all__ = [
    "Item",
    "RefreshToken",
    "Role",
    "User",
]
