"""How the FastAPI floors serve: with the uvicorn options the rendered `python -m app` uses.

One worker, on HOST:PORT from the environment, from the rendered project's venv.
"""

import os

import uvicorn
from fastapi import FastAPI


def serve(app: FastAPI) -> None:
    uvicorn.run(
        app,
        host=os.environ["HOST"],
        port=int(os.environ["PORT"]),
        workers=1,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )
