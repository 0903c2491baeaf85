"""Request bodies for Django under gunicorn: a chunked one gets its length (Django reads
CONTENT_LENGTH bytes, none without it), and what the app leaves unread is dropped."""

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# A refused body is read and dropped up to this much: a socket closed with unread data is
# reset, and the client may lose the 413 before reading it.
DISCARD_LIMIT = 8 * 1024 * 1024


def _discard(stream: BinaryIO, limit: int = DISCARD_LIMIT) -> None:
    while limit > 0 and (block := stream.read(min(65536, limit))):
        limit -= len(block)


class ChunkedBody:
    """WSGI middleware: a chunked body is read (at most `max_bytes` + 1 bytes) and handed on
    with the length it turned out to have, so BodyGuardMiddleware refuses an oversized one
    (413) and Django reads the rest as any sized body; after the app, the rest of a body it
    did not read is dropped (at most DISCARD_LIMIT bytes)."""

    def __init__(self, app: "WSGIApplication", *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def __call__(
        self, environ: "WSGIEnvironment", start_response: "StartResponse"
    ) -> Iterable[bytes]:
        """Give a chunked body its CONTENT_LENGTH, hand the request on, drop what is unread."""
        stream = environ["wsgi.input"]
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = stream.read(self.max_bytes + 1)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input"] = io.BytesIO(body)
        response = self.app(environ, start_response)
        # What the app left unread (a refused body, say) is dropped before the response goes
        # out: gunicorn drains at most 64 KiB itself, then closes the keep-alive connection
        # it just announced, under a client that may be sending its next request on it.
        _discard(stream)
        return response
