"""Who is calling: what a token or session proves about the client."""

from dataclasses import dataclass

from app.models.user import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    id: int
    role: Role

    @property
    def is_admin(self) -> bool:
        """Admins manage users and reach every item."""
        return self.role is Role.ADMIN
