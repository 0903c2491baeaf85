"""The FastAPI health floor: a bare FastAPI hello-world, no middleware.

Served by fastapi_serve.serve, as the rendered service serves itself.
"""

from fastapi import FastAPI
from fastapi_serve import serve

app = FastAPI()


@app.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    serve(app)
