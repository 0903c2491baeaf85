"""`manage.py purge_expired`: delete expired refresh tokens; run it daily."""

from typing import Any

from django.core.management.base import BaseCommand

from app.services.tokens import purge_expired_refresh_tokens


class Command(BaseCommand):
    help = "Delete expired refresh tokens (cron, a Kubernetes CronJob)."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_expired_refresh_tokens()
        self.stdout.write(f"Purged {purged} expired refresh tokens.")
