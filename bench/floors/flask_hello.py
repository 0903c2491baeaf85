"""The Flask health floor: a bare Flask hello-world, no hooks.

bench/run.py serves it with the rendered project's own gunicorn configuration
(`gunicorn --config python:app.gunicorn_conf flask_hello:app`), as `python -m app` does.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/health/live")
def live() -> dict[str, str]:
    return {"status": "ok"}
