"""URLs: the API, its OpenAPI document and docs, the admin site, their static files."""

from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.views import serve
from django.urls import URLPattern, URLResolver, path, re_path

from app.routes import api
from app.routes.metrics import metrics

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("", api.urls),
    # A handful of small files (Swagger UI, the admin's styles), found in the installed apps.
    re_path(r"^static/(?P<path>.+)$", serve, {"insecure": True}),
]
if settings.ENV.metrics_enabled:
    urlpatterns.append(path("metrics", metrics))

# Django's own errors, in the envelope.
handler400 = "app.routes.errors.bad_request"
handler403 = "app.routes.errors.permission_denied"
handler404 = "app.routes.errors.page_not_found"
handler500 = "app.routes.errors.server_error"
