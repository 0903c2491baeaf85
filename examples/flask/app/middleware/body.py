"""Request body guards: a size limit for every request, JSON only for the API."""

import io
from typing import BinaryIO

from flask import Flask, request

from app.errors import BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _discard(stream: BinaryIO, limit: int = 8 * 1024 * 1024) -> None:
    """Read and drop what is left of a refused body (at most `limit` bytes): a socket closed
    with unread data is reset, and the client may lose the 413 before reading it."""
    while limit > 0 and (block := stream.read(min(65536, limit))):
        limit -= len(block)


def init_app(app: Flask, *, max_bytes: int, api_prefix: str) -> None:
    """413 past `max_bytes` (declared or streamed); 415 for a non-JSON body to an API route;
    400 for a JSON body that does not parse."""
    # Werkzeug's own guard, for a body read anywhere else.
    app.config["MAX_CONTENT_LENGTH"] = max_bytes

    @app.before_request
    def _guard_body() -> None:
        declared = request.content_length
        if declared is not None and declared > max_bytes:
            raise PayloadTooLargeError
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if declared is None and chunked:
            # Werkzeug would cut a streamed body at the limit silently: read one byte more.
            body = request.environ["wsgi.input"].read(max_bytes + 1)
            if len(body) > max_bytes:
                _discard(request.environ["wsgi.input"])
                raise PayloadTooLargeError
            request.environ["wsgi.input"] = io.BytesIO(body)
        has_body = bool(declared) or chunked
        if (
            not has_body
            or request.method not in _BODY_METHODS
            or not request.path.startswith(api_prefix)
            or request.routing_exception is not None  # routing's 404 and 405 come first
        ):
            return
        if not _is_json(request.content_type or ""):
            raise UnsupportedMediaTypeError
        try:
            request.get_json()  # parsed once here: broken JSON is a 400, not a 422
        except RecursionError as exc:  # nested deeper than the parser goes
            raise BadRequestError("Request body is not valid JSON") from exc
