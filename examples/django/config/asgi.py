"""The ASGI application, for the server only (`python manage.py serve` runs uvicorn on it)."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from config.env import refuse_unsafe_production

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_unsafe_production(settings.ENV)
application = get_asgi_application()
