"""How the floor apps serve: as the rendered service's `python -m app` serves itself.

Same uvicorn options, one worker, on HOST:PORT from the environment, from the rendered
project's venv.
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
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
