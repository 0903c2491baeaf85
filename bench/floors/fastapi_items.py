"""The FastAPI items floor for GET /api/v1/items: bare FastAPI, the same JWT check, raw asyncpg.

It verifies the access token as the service does (pyjwt, HS256, SECRET_KEY, the same
required claims) and runs the service's page + total query (one statement, a window
count) through an asyncpg pool as large as the service's (DATABASE_POOL_SIZE, default
10). No middleware, ORM, transaction or response model. Served like fastapi_hello.py.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
import jwt
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi_serve import serve

SECRET_KEY = os.environ["SECRET_KEY"]
DATABASE_URL = os.environ["DATABASE_URL"]
POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE", "10"))
# What the service's list_items sends for a plain user (SQLAlchemy's statement).
PAGE_QUERY = """
SELECT id, name, description, owner_id, created_at, updated_at, count(*) OVER () AS total
FROM items WHERE owner_id = $1 ORDER BY id LIMIT $2 OFFSET $3
"""
ITEM_FIELDS = ("id", "name", "description", "owner_id", "created_at", "updated_at")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(DATABASE_URL, max_size=POOL_SIZE)
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/api/v1/items")
async def list_items(
    request: Request, authorization: Annotated[str, Header()], page: int = 1, page_size: int = 20
) -> dict[str, Any]:
    try:
        claims = jwt.decode(
            authorization.removeprefix("Bearer "),
            SECRET_KEY,
            algorithms=["HS256"],
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
    except jwt.InvalidTokenError as exc:
        raise HTTPException(401, "Invalid or expired token") from exc
    rows = await request.app.state.pool.fetch(
        PAGE_QUERY, int(claims["sub"]), page_size, (page - 1) * page_size
    )
    items = [{name: row[name] for name in ITEM_FIELDS} for row in rows]
    total = rows[0]["total"] if rows else 0
    page_data = {"items": items, "page": page, "page_size": page_size, "total": total}
    return {"success": True, "data": page_data, "message": "OK"}


if __name__ == "__main__":
    serve(app)
