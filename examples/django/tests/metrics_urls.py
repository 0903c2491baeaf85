"""The service's URLs with /metrics switched on (settings are read at import)."""

from django.urls import URLPattern, URLResolver, path

from app.routes.metrics import metrics
from config import urls

handler400 = urls.handler400
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
urlpatterns: list[URLPattern | URLResolver] = [*urls.urlpatterns, path("metrics", metrics)]
