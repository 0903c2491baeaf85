"""gunicorn's configuration, read from the service's settings (`python -m app` loads it)."""

import gunicorn.http.wsgi

from app.config import get_settings

_settings = get_settings()

_host = f"[{_settings.host}]" if ":" in _settings.host else _settings.host
bind = f"{_host}:{_settings.port}"
workers = _settings.workers
# Threads serve concurrent requests in each worker; the database pool is sized for them.
worker_class = "gthread"
threads = 8
# SIGTERM: stop accepting, let requests in flight finish within the grace period.
graceful_timeout = _settings.shutdown_grace_seconds
# Idle connections outlive a load balancer's idle timeout (60 s on most), so the balancer
# closes them first and never sends a request into a socket the server is closing.
keepalive = 75
# The app logs one structured line per request itself, and reads X-Forwarded-For from
# TRUSTED_PROXIES only (app/middleware/proxies.py).
accesslog = None
forwarded_allow_ips = ""
# Long request ids and tokens reach the app (which refuses what it must), not a bare 400.
limit_request_field_size = 32768
# A read-only root filesystem: heartbeat files in /tmp, no control socket in $HOME.
worker_tmp_dir = "/tmp"  # noqa: S108 (gunicorn's heartbeat files, private to the workers)
control_socket_disable = True

# No response header names the server software (STANDARDS section 3).
gunicorn.http.wsgi.SERVER = "app"
