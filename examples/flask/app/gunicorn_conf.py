"""gunicorn's configuration, read from the service's settings (`python -m app` loads it)."""

from typing import Any

import gunicorn.http.wsgi

from app.config import get_settings
from app.extensions import db

_settings = get_settings()
wsgi_app = "app.wsgi:app"
_host = f"[{_settings.host}]" if ":" in _settings.host else _settings.host
bind = f"{_host}:{_settings.port}"
workers = _settings.workers
# Threads serve concurrent requests in each worker; the database pool is sized for them.
worker_class = "app.shutdown.DrainingWorker"
threads = 8
# SIGTERM: readiness fails for a drain window, then each worker stops accepting and lets
# the requests in flight finish within the grace period (app/shutdown.py).
graceful_timeout = _settings.shutdown_grace_seconds
# Idle connections outlive a load balancer's idle timeout (60 s on most), so the balancer
# closes them first and never sends a request into a socket the server is closing.
keepalive = 75
# The app logs one structured line per request itself, and reads X-Forwarded-For from
# TRUSTED_PROXIES only.
accesslog = None
forwarded_allow_ips = ""
# Long request ids and tokens reach the app (which refuses what it must), not a bare 400.
limit_request_field_size = 32768
# A read-only root filesystem: heartbeat files in /tmp, no control socket in $HOME.
worker_tmp_dir = "/tmp"  # noqa: S108 (gunicorn's heartbeat files, private to the workers)
control_socket_disable = True

# No response header names the server software (STANDARDS section 3).
gunicorn.http.wsgi.SERVER = "app"


def worker_exit(_server: Any, worker: Any) -> None:
    """A stopped worker closes its pooled database connections."""
    db.dispose(worker.wsgi)
