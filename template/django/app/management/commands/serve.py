"""`manage.py serve [--reload]`: gunicorn on HOST:PORT with WORKERS processes."""

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the WSGI application on HOST:PORT with WORKERS processes (from settings)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reload", action="store_true", help="Django's development server, with reload"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        env = settings.ENV
        if options["reload"]:
            host = f"[{env.host}]" if ":" in env.host else env.host
            call_command("runserver", f"{host}:{env.port}")
            return
        # gunicorn takes over this process: its master forwards signals and manages workers.
        gunicorn = [sys.executable, "-m", "gunicorn", "--config", "python:config.gunicorn_conf"]
        os.execv(sys.executable, gunicorn)  # noqa: S606 (no shell, fixed arguments)
