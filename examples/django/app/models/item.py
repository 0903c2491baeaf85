"""Items: the example resource, owned by the user who made it."""

from django.conf import settings
from django.db import models

from app.models.base import TimestampedModel

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000


class Item(TimestampedModel):
    """A named thing with an optional description."""

    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.CharField(max_length=DESCRIPTION_MAX_LENGTH, null=True, blank=True)  # noqa: DJ001 (null and "" differ to clients)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="items"
    )

    class Meta:
        db_table = "items"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
