"""The service's URLs and two more to trace: one that queries, one that crashes."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from config import urls


def query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return HttpResponse(str(cursor.fetchone()))


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError


handler400 = urls.handler400
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
urlpatterns: list[URLPattern | URLResolver] = [
    *urls.urlpatterns,
    path("traced/query", query),
    path("traced/fail", fail),
]
