"""The WSGI application, for WSGI servers (the service itself runs on ASGI)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from config.env import refuse_unsafe_production

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_unsafe_production(settings.ENV)
application = get_wsgi_application()
