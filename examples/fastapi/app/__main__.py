"""`python -m app [--reload]`: serve on HOST:PORT with WORKERS processes, from settings."""

import argparse
import sys

import uvicorn
from pydantic import ValidationError

from app.config import get_settings
from app.config.settings import refusal


def main() -> int:
    """Validate settings first, so a bad configuration stops with a readable reason."""
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    args = parser.parse_args()
    try:
        settings = get_settings()
    except ValidationError as exc:
        print(refusal(exc), file=sys.stderr)
        return 2
    uvicorn.run(
        "app.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=1 if args.reload else settings.workers,
        reload=args.reload,
        log_config=None,  # the app configures logging itself
        access_log=False,  # one structured line per request comes from the app
        server_header=False,
        # The app reads X-Forwarded-For itself, from TRUSTED_PROXIES only (app/main.py);
        # uvicorn's own reading (FORWARDED_ALLOW_IPS) would trust loopback regardless.
        proxy_headers=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
