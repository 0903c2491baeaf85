"""The WSGI application, for the server only (`python manage.py serve` runs gunicorn on it)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from app.middleware.chunked import ChunkedBody
from config.env import refuse_unsafe_production

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_unsafe_production(settings.ENV)
application = ChunkedBody(get_wsgi_application(), max_bytes=settings.ENV.max_body_bytes)
