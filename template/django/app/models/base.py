"""What every table shares: UTC creation and update times."""

from django.db import models


class TimestampedModel(models.Model):
    """Adds `created_at` and `updated_at`, both set by Django, both UTC."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
