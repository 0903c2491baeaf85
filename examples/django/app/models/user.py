"""Users: who can sign in, and with which role. Also the model behind Django's admin."""

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models

from app.models.base import TimestampedModel


class Role(models.TextChoices):
    """What a user may do: admins manage users and reach every item."""

    ADMIN = "admin"
    USER = "user"


class UserManager(BaseUserManager["User"]):
    """Creates users with hashed passwords (Django's hasher: Argon2id)."""

    def create_user(
        self, email: str, password: str, *, role: str = Role.USER, **extra: Any
    ) -> "User":
        """A new user with `email` lower-cased and `password` hashed."""
        user = self.model(email=email.lower(), role=role, **extra)
        user.set_password(password)
        user.full_clean()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, TimestampedModel):
    """An account; `email` is stored lower-cased so lookups ignore case."""

    email = models.EmailField(max_length=320, unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(default=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        db_table = "users"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="users_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_admin(self) -> bool:
        """Admins manage users, reach every item and use the admin site."""
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """Django's admin site lets in admins only."""
        return self.is_admin

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """An active admin may do everything in the admin site; nobody else anything."""
        return self.is_active and self.is_admin

    def has_module_perms(self, app_label: str) -> bool:
        """See `has_perm`."""
        return self.is_active and self.is_admin
