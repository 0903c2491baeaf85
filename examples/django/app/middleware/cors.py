"""CORS from the CORS_ORIGINS allow-list; a refused preflight is an error envelope."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from app.errors import ErrorCode
from app.utils.responses import error_response

ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE"
ALLOW_HEADERS = "Authorization, Content-Type, X-Request-ID"
EXPOSE_HEADERS = "Location, Retry-After, X-Request-ID"
PREFLIGHT_MAX_AGE = "600"


class CorsMiddleware:
    """Answers preflights and marks responses for allowed browser origins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.origins = frozenset(settings.ENV.cors_origins)
        # Browsers refuse credentials with a wildcard origin; never combine them.
        self.any_origin = "*" in self.origins

    def _allowed(self, origin: str) -> bool:
        return self.any_origin or origin in self.origins

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = request.headers.get("Origin")
        preflight = (
            request.method == "OPTIONS"
            and origin is not None
            and "Access-Control-Request-Method" in request.headers
        )
        if preflight:
            return self._preflight(str(origin))
        response = self.get_response(request)
        if origin is not None and self._allowed(origin):
            self._mark(response, origin)
            response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        if self.origins:
            response.headers.setdefault("Vary", "Origin")
        return response

    def _preflight(self, origin: str) -> HttpResponse:
        if not self._allowed(origin):
            return error_response(
                403, ErrorCode.FORBIDDEN, "Cross-origin request from an origin not allowed"
            )
        response = HttpResponse(status=204)
        self._mark(response, origin)
        response["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        response["Vary"] = "Origin"
        return response

    def _mark(self, response: HttpResponse, origin: str) -> None:
        if self.any_origin:
            response["Access-Control-Allow-Origin"] = "*"
            return
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
