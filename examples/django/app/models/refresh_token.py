"""Refresh tokens: stored hashed, rotated on use, revocable."""

from django.conf import settings
from django.db import models


class RefreshToken(models.Model):
    """One issued refresh token. Rotation keeps the `family_id` of the first login."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refresh_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    family_id = models.CharField(max_length=32, db_index=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "refresh_tokens"

    def __str__(self) -> str:
        return f"refresh token {self.pk} of user {self.user_id}"
