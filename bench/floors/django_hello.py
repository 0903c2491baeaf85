"""The Django health floor: the rendered project's settings with no middleware, one view.

bench/run.py starts the render's own server command (`make start`'s) with
DJANGO_SETTINGS_MODULE=django_hello, so the floor runs on the same server, workers and
threads as the service. This module is its settings and its URLconf: the render's
settings minus every middleware, and /health/live answered by a plain view.
"""

from config.settings import *  # noqa: F403 (the render's settings, then what differs)
from django.http import HttpRequest, JsonResponse
from django.urls import path

MIDDLEWARE: list[str] = []
# The admin's checks ask for the session, auth and messages middleware left out above.
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410"]
ROOT_URLCONF = __name__


def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [path("health/live", live)]
