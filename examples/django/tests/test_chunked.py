"""Request bodies under gunicorn (app/middleware/chunked.py): a chunked one reaches Django
with its length, and a refused one is read to its end before the answer."""

import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings

from app.middleware.chunked import ChunkedBody
from config.wsgi import application

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


def post(
    app: "WSGIApplication", body: bytes, *, chunked: bool = True
) -> tuple[str, bytes, io.BytesIO]:
    """POST `body` to the API through `app`: (status line, response body, the input stream)."""
    stream = io.BytesIO(body)
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.update(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/items",
            "CONTENT_TYPE": "application/json",
            "wsgi.input": stream,
        }
    )
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    else:
        environ["CONTENT_LENGTH"] = str(len(body))
    statuses: list[str] = []

    def start_response(status: str, _headers: list[tuple[str, str]], _exc: Any = None) -> Any:
        statuses.append(status)

    answer = b"".join(app(environ, start_response))
    return statuses[0], answer, stream


def echo(environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
    """A WSGI app that answers with the CONTENT_LENGTH and body it was given."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"length": environ.get("CONTENT_LENGTH"), "body": body.decode()}).encode()]


def test_a_chunked_body_reaches_the_app_with_its_length() -> None:
    status, answer, _ = post(ChunkedBody(echo, max_bytes=100), b'{"name": "x"}')
    assert status == "200 OK"
    assert json.loads(answer) == {"length": "13", "body": '{"name": "x"}'}


def test_a_sized_body_is_left_alone() -> None:
    _, answer, stream = post(ChunkedBody(echo, max_bytes=100), b'{"name": "x"}', chunked=False)
    assert json.loads(answer) == {"length": "13", "body": '{"name": "x"}'}
    assert stream.tell() == 13  # read by the app itself, not the middleware


@pytest.mark.django_db  # Django's request signals reach the database connections
def test_a_chunked_body_over_the_limit_is_a_413_in_the_envelope() -> None:
    body = b'{"name": "' + b"x" * settings.ENV.max_body_bytes + b'"}'
    status, answer, stream = post(application, body)
    assert status.startswith("413")
    assert json.loads(answer)["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert stream.tell() == len(body)  # drained, so closing the socket does not reset it


@pytest.mark.django_db
def test_a_sized_body_over_the_limit_is_drained_before_the_413() -> None:
    # gunicorn would drain only 64 KiB of it, then close the keep-alive connection.
    body = b" " * (2 * settings.ENV.max_body_bytes)
    status, _, stream = post(application, body, chunked=False)
    assert status.startswith("413")
    assert stream.tell() == len(body)
