"""Give every request an id: echo a well-formed incoming one, else make one."""

import re
import uuid

import structlog
from flask import Flask, Response, g, request

HEADER = "X-Request-ID"
# Anything else (spaces, CR/LF, overlong values) could forge log lines or headers.
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _assign() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _VALID.fullmatch(incoming) else uuid.uuid4().hex
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=g.request_id)


def _return(response: Response) -> Response:
    response.headers[HEADER] = g.get("request_id", "")
    return response


def init_app(app: Flask) -> None:
    """Set `g.request_id` first, bind it to every log line, return it on every response."""
    app.before_request_funcs.setdefault(None, []).insert(0, _assign)
    app.after_request(_return)
