"""`manage.py serve [--reload]`: uvicorn on HOST:PORT with WORKERS processes."""

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the ASGI application on HOST:PORT with WORKERS processes (from settings)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")

    def handle(self, *args: Any, **options: Any) -> None:
        env = settings.ENV
        reload = bool(options["reload"])
        uvicorn.run(
            "config.asgi:application",
            host=env.host,
            port=env.port,
            workers=1 if reload else env.workers,
            reload=reload,
            log_config=None,  # the app configures logging itself
            access_log=False,  # one structured line per request comes from the app
            server_header=False,
            lifespan="off",  # Django's ASGI handler has no startup or shutdown hooks
            # The app reads X-Forwarded-For itself, from TRUSTED_PROXIES only;
            # uvicorn's own reading (FORWARDED_ALLOW_IPS) would trust loopback regardless.
            proxy_headers=False,
            timeout_graceful_shutdown=env.shutdown_grace_seconds,
        )
