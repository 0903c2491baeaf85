"""The Django items floor for GET /api/v1/items: Django, the same JWT check, raw psycopg.

Served like django_hello.py (the render's server command, settings minus every
middleware). The view verifies the access token as the service does (pyjwt, HS256,
SECRET_KEY, the same required claims) and sends the two statements the service's
list_items sends (the page, then the count) on one psycopg connection per server thread,
not Django's database layer. No middleware, ORM, transaction or response schema.
"""

import os
import threading
from typing import Any

import jwt
import psycopg
from config.settings import *  # noqa: F403 (the render's settings, then what differs)
from django.http import HttpRequest, JsonResponse
from django.urls import path

MIDDLEWARE: list[str] = []
# The admin's checks ask for the session, auth and messages middleware left out above.
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410"]
ROOT_URLCONF = __name__

DATABASE_URL = os.environ["DATABASE_URL"]
# What the service's list_items sends for a plain user (Django's statements).
PAGE_QUERY = """
SELECT id, name, description, owner_id, created_at, updated_at
FROM items WHERE owner_id = %s ORDER BY id LIMIT %s OFFSET %s
"""
COUNT_QUERY = "SELECT COUNT(*) FROM items WHERE owner_id = %s"
ITEM_FIELDS = ("id", "name", "description", "owner_id", "created_at", "updated_at")
_local = threading.local()


def _connection() -> psycopg.Connection[Any]:
    if not hasattr(_local, "connection"):
        _local.connection = psycopg.connect(DATABASE_URL, autocommit=True)
    return _local.connection


def list_items(request: HttpRequest) -> JsonResponse:
    try:
        claims = jwt.decode(
            request.headers.get("Authorization", "").removeprefix("Bearer "),
            os.environ["SECRET_KEY"],
            algorithms=["HS256"],
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
    except jwt.InvalidTokenError:
        return JsonResponse({"success": False, "message": "Invalid or expired token"}, status=401)
    owner = int(claims["sub"])
    page = int(request.GET.get("page", 1))
    page_size = int(request.GET.get("page_size", 20))
    connection = _connection()
    rows = connection.execute(PAGE_QUERY, (owner, page_size, (page - 1) * page_size)).fetchall()
    (total,) = connection.execute(COUNT_QUERY, (owner,)).fetchone() or (0,)
    items = [dict(zip(ITEM_FIELDS, row, strict=True)) for row in rows]
    page_data = {"items": items, "page": page, "page_size": page_size, "total": total}
    return JsonResponse({"success": True, "data": page_data, "message": "OK"})


urlpatterns = [path("api/v1/items", list_items)]
