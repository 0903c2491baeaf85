"""CORS from the allow-list in settings, a refused preflight in the error envelope."""

from collections.abc import Collection

from flask import Flask, Response, request

from app.errors import ErrorCode
from app.utils.responses import error_response

# Headers a browser may always send; the rest must be allowed.
_SAFELISTED = frozenset({"accept", "accept-language", "content-language", "content-type"})
PREFLIGHT_MAX_AGE = "600"


def init_app(
    app: Flask,
    *,
    origins: Collection[str],
    methods: Collection[str],
    headers: Collection[str],
    expose_headers: Collection[str],
) -> None:
    """Answer preflights and tag responses for the origins in `origins`."""
    allow_any = "*" in origins
    allowed_headers = {header.lower() for header in headers} | _SAFELISTED

    def allowed(origin: str) -> bool:
        return allow_any or origin in origins

    def tag(response: Response, origin: str) -> None:
        # Browsers refuse credentials with a wildcard origin; never combine them.
        response.headers["Access-Control-Allow-Origin"] = "*" if allow_any else origin
        if not allow_any:
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.vary.add("Origin")

    @app.before_request
    def _preflight() -> Response | None:
        origin = request.headers.get("Origin")
        method = request.headers.get("Access-Control-Request-Method")
        if request.method != "OPTIONS" or origin is None or method is None:
            return None
        requested = request.headers.get("Access-Control-Request-Headers", "")
        wanted = {h.strip().lower() for h in requested.split(",") if h.strip()}
        refusals = [
            reason
            for reason, refused in (
                ("origin", not allowed(origin)),
                ("method", method.upper() not in methods),
                ("headers", not wanted <= allowed_headers),
            )
            if refused
        ]
        if refusals:
            message = f"Disallowed CORS {', '.join(refusals)}"
            return error_response(403, ErrorCode.FORBIDDEN, message)
        response = Response(status=200)
        tag(response, origin)
        response.headers["Access-Control-Allow-Methods"] = ", ".join(methods)
        response.headers["Access-Control-Allow-Headers"] = ", ".join(headers)
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response

    @app.after_request
    def _tag_response(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin is not None and allowed(origin) and request.method != "OPTIONS":
            tag(response, origin)
            response.headers["Access-Control-Expose-Headers"] = ", ".join(expose_headers)
        return response
