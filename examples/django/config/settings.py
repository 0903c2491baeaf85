"""Django settings: one file for every environment, every value from config/env.py.

ENVIRONMENT decides behaviour through values (HSTS, secure cookies, log format), never
through production-only code paths.
"""

from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from pydantic import ValidationError

from config.database import database_config
from config.env import Env, refusal

django_stubs_ext.monkeypatch()  # Django's classes accept type parameters at run time

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    ENV = Env()
except ValidationError as exc:
    raise ImproperlyConfigured(refusal(exc)) from exc

SECRET_KEY = ENV.secret_key
DEBUG = ENV.debug
# Hosts are routed by the ingress or proxy in front; every name it sends is ours.
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "app",
]

# Outermost first. Every response, errors included, passes the first six.
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",  # Content-Length on every response
    *(["app.middleware.metrics.MetricsMiddleware"] if ENV.metrics_enabled else []),
    "app.tracing.TracingMiddleware",  # left out unless OTEL_EXPORTER_OTLP_ENDPOINT is set
    "app.middleware.proxy.TrustedProxyMiddleware",
    "app.middleware.request_id.RequestIdMiddleware",
    "app.middleware.access_log.AccessLogMiddleware",
    "app.middleware.security_headers.SecurityHeadersMiddleware",
    "app.middleware.cors.CorsMiddleware",
    "app.middleware.errors.ErrorEnvelopeMiddleware",
    "app.middleware.body.BodyGuardMiddleware",
    "app.middleware.rate_limit.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "app.middleware.head.HeadMiddleware",
]

ROOT_URLCONF = "config.urls"
APPEND_SLASH = False  # an unknown path is a 404 in the envelope, never a redirect
WSGI_APPLICATION = "config.wsgi.application"

# The docs page and the admin site: the apps' own templates.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(ENV.database_url),
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

AUTH_USER_MODEL = "app.User"
# Argon2id, the only hasher accepted; a few hashes at a time per process.
PASSWORD_HASHERS = ["app.services.passwords.Argon2idHasher"]
PASSWORD_HASH_CONCURRENCY = ENV.password_hash_concurrency

# Sessions serve the admin site only: the API signs in with bearer tokens.
SESSION_COOKIE_SECURE = ENV.is_production

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False
# Swagger UI's files and the admin's, served by the service itself (config/urls.py):
# the docs page needs no internet access.
STATIC_URL = "/static/"

# The body guard enforces MAX_BODY_BYTES (413 in the envelope); Django's own check agrees.
DATA_UPLOAD_MAX_MEMORY_SIZE = ENV.max_body_bytes
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING_CONFIG = None  # app.utils.logging configures structlog and the stdlib root logger
