"""Request body guards: a size limit for every request, JSON only for the API."""

from flask import Flask, request

from app.errors import PayloadTooLargeError, UnsupportedMediaTypeError

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def init_app(app: Flask, *, max_bytes: int, api_prefix: str) -> None:
    """413 past `max_bytes` (declared or streamed); 415 for a non-JSON body to an API route;
    400 for a JSON body that does not parse."""
    # Werkzeug stops reading a streamed (chunked) body past this size with a 413.
    app.config["MAX_CONTENT_LENGTH"] = max_bytes

    @app.before_request
    def _guard_body() -> None:
        declared = request.content_length
        if declared is not None and declared > max_bytes:
            raise PayloadTooLargeError
        has_body = bool(declared) or "chunked" in request.headers.get("Transfer-Encoding", "")
        if (
            not has_body
            or request.method not in _BODY_METHODS
            or not request.path.startswith(api_prefix)
            or request.routing_exception is not None  # routing's 404 and 405 come first
        ):
            return
        if not _is_json(request.content_type or ""):
            raise UnsupportedMediaTypeError
        request.get_json()  # parsed once here: broken JSON is a 400, not a 422
