"""The application's Django configuration."""

from django.apps import AppConfig


class ServiceConfig(AppConfig):
    """Logging is configured once the app registry is ready."""

    name = "app"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        """Configure structured logging from the environment."""
        from django.conf import settings  # noqa: PLC0415 (settings are loaded by now)

        from app.utils.logging import configure_logging  # noqa: PLC0415

        configure_logging(settings.ENV)
