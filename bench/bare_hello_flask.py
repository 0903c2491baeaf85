"""The floor for a Flask service's /health/live: a bare Flask hello-world, no hooks.

Served by floor_flask.serve, as the rendered Flask service serves itself.
"""

from flask import Flask
from floor_flask import serve

app = Flask(__name__)


@app.get("/health/live")
def live() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    serve("bare_hello_flask")
