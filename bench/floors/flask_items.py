"""The Flask items floor for GET /api/v1/items: bare Flask, the same JWT check, raw psycopg.

One connection per server thread; the page and the total in the one statement the
service's list_items sends. No hooks, ORM, transaction or response model. Served like
flask_hello.py, under the rendered project's gunicorn configuration.
"""

import os
import threading
from typing import Any

import jwt
import psycopg
from flask import Flask, abort, request

SECRET_KEY = os.environ["SECRET_KEY"]
DATABASE_URL = os.environ["DATABASE_URL"]
# What the service's list_items sends for a plain user (SQLAlchemy's statement).
PAGE_QUERY = """
SELECT id, name, description, owner_id, created_at, updated_at, count(*) OVER () AS total
FROM items WHERE owner_id = %s ORDER BY id LIMIT %s OFFSET %s
"""
ITEM_FIELDS = ("id", "name", "description", "owner_id", "created_at", "updated_at")

app = Flask(__name__)
_local = threading.local()


def _connection() -> psycopg.Connection[Any]:
    if not hasattr(_local, "connection"):
        _local.connection = psycopg.connect(DATABASE_URL, autocommit=True)
    return _local.connection


@app.get("/api/v1/items")
def list_items() -> dict[str, Any]:
    try:
        claims = jwt.decode(
            request.headers.get("Authorization", "").removeprefix("Bearer "),
            SECRET_KEY,
            algorithms=["HS256"],
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
    except jwt.InvalidTokenError:
        abort(401)
    page = request.args.get("page", 1, type=int)
    page_size = request.args.get("page_size", 20, type=int)
    rows = (
        _connection()
        .execute(PAGE_QUERY, (int(claims["sub"]), page_size, (page - 1) * page_size))
        .fetchall()
    )
    items = [dict(zip(ITEM_FIELDS, row[:-1], strict=True)) for row in rows]
    total = rows[0][-1] if rows else 0
    page_data = {"items": items, "page": page, "page_size": page_size, "total": total}
    return {"success": True, "data": page_data, "message": "OK"}
