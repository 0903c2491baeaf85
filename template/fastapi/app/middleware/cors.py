"""CORS from the allow-list in settings, a refused preflight in the error envelope."""

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from app.errors import ErrorCode
from app.utils.responses import error_response

_BODY_HEADERS = frozenset({"content-length", "content-type"})


class EnvelopeCorsMiddleware(CORSMiddleware):
    """Starlette's CORS, except that a refused preflight is a 403 envelope (not plain text)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        """The preflight answer; on refusal, the same headers (never an allowed origin)."""
        response = super().preflight_response(request_headers)
        if response.status_code < 400:  # noqa: PLR2004
            return response
        headers = {k: v for k, v in response.headers.items() if k not in _BODY_HEADERS}
        reason = bytes(response.body).decode()  # "Disallowed CORS origin, headers"
        return error_response(403, ErrorCode.FORBIDDEN, reason, headers=headers)
