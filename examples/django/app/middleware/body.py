"""Request bodies: at most MAX_BODY_BYTES (413), and JSON for the API's writes (415)."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from app.errors import ErrorCode
from app.utils.responses import error_response

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
API_PREFIX = "/api/"


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


class BodyGuardMiddleware:
    """Refuses an oversized body before it is parsed, counting a chunked one too, and a
    non-JSON body on a route that exists (an unknown path stays a 404)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.max_bytes = settings.ENV.max_body_bytes

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in BODY_METHODS:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit() or int(declared) > self.max_bytes:
            return self._too_large()
        body = self._body(request)
        if body is None:
            return self._too_large()
        if not body or not request.path.startswith(API_PREFIX):
            return None
        try:
            resolve(request.path_info)
        except Resolver404:
            return None
        if not _is_json(request.content_type or ""):
            return error_response(
                415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json"
            )
        return None

    def _body(self, request: HttpRequest) -> bytes | None:
        """The body, or None when it is over the limit (a chunked one declared no length)."""
        try:
            body = request.body
        except RequestDataTooBig:
            return None
        return body if len(body) <= self.max_bytes else None

    def _too_large(self) -> HttpResponse:
        return error_response(
            413,
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"Request body larger than {self.max_bytes} bytes",
        )
