"""The floor for /health/live: a bare FastAPI hello-world, no middleware.

Served exactly as the rendered service's `python -m app` serves itself (same uvicorn
options, one worker), from the rendered project's venv, on HOST:PORT from the environment.
"""

import os

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run(
        app,
        host=os.environ["HOST"],
        port=int(os.environ["PORT"]),
        workers=1,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
