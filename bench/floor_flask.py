"""How the Flask floor apps serve: as the rendered Flask service serves itself.

gunicorn, one worker, `gthread` with 8 threads (app/gunicorn_conf.py), on HOST:PORT from
the environment, from the rendered project's venv. `execv` keeps the process id, so the
bench measures the gunicorn master it started.
"""

import os
import sys
from pathlib import Path


def serve(module: str) -> None:
    """Replace this process with gunicorn serving `module:app`."""
    bind = f"{os.environ['HOST']}:{os.environ['PORT']}"
    gunicorn = [sys.executable, "-m", "gunicorn", "--bind", bind, "--workers", "1"]
    options = ["--worker-class", "gthread", "--threads", "8", "--no-control-socket"]
    chdir = ["--chdir", str(Path(__file__).resolve().parent)]
    os.execv(sys.executable, [*gunicorn, *options, *chdir, f"{module}:app"])  # noqa: S606
