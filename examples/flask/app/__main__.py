"""`python -m app [--reload]`: serve on HOST:PORT with WORKERS processes, from settings."""

import argparse
import os
import sys

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
    if args.reload:
        from app.main import create_app  # noqa: PLC0415 (the production path never needs it)

        create_app(settings).run(host=settings.host, port=settings.port, use_reloader=True)
        return 0
    # gunicorn takes over this process: its master forwards signals and manages workers.
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "python:app.gunicorn_conf"]
    os.execv(sys.executable, gunicorn)  # noqa: S606 (no shell, fixed arguments)
    return 0  # not reached: execv does not return


if __name__ == "__main__":
    sys.exit(main())
