"""`python -m app [--reload]`: serve on HOST:PORT with WORKERS processes, from settings."""

import argparse
import os
import shutil
import sys
import tempfile

import uvicorn
from pydantic import ValidationError

from app.config import get_settings
from app.config.settings import refusal
from app.metrics import MULTIPROC_DIR_VARIABLE
from app.shutdown import drain_seconds


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
    workers = 1 if args.reload else settings.workers
    grace = settings.shutdown_grace_seconds
    multiproc_dir = None
    if settings.metrics_enabled and workers > 1 and MULTIPROC_DIR_VARIABLE not in os.environ:
        # Each worker writes its metrics here (/tmp: the only writable path in the image);
        # a fresh folder per start, so no count of an earlier run is added in.
        multiproc_dir = tempfile.mkdtemp(prefix="prometheus-")
        os.environ[MULTIPROC_DIR_VARIABLE] = multiproc_dir
    try:
        uvicorn.run(
            "app.asgi:app",
            host=settings.host,
            port=settings.port,
            workers=workers,
            reload=args.reload,
            log_config=None,  # the app configures logging itself
            access_log=False,  # one structured line per request comes from the app
            server_header=False,
            # The app reads X-Forwarded-For itself, from TRUSTED_PROXIES only (app/main.py);
            # uvicorn's own reading (FORWARDED_ALLOW_IPS) would trust loopback regardless.
            proxy_headers=False,
            # On SIGTERM, after the drain window (app/shutdown.py), requests in flight get
            # the rest of SHUTDOWN_GRACE_SECONDS; then the lifespan closes the pools.
            timeout_graceful_shutdown=max(1, round(grace - drain_seconds(grace))),
        )
    finally:
        if multiproc_dir is not None:
            shutil.rmtree(multiproc_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
