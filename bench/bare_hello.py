"""The floor for /health/live: a bare FastAPI hello-world, no middleware.

Served by floor_server.serve, as the rendered service serves itself.
"""

from fastapi import FastAPI
from floor_server import serve

app = FastAPI()


@app.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    serve(app)
