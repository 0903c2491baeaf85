"""Request body guards: a size limit for every request, JSON only for the API."""

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import ErrorCode
from app.utils.responses import error_response

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
TOO_LARGE = "Request body too large"


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _route_matches(scope: Scope) -> bool:
    """Some route serves this method and path: routing's 404 and 405 come before 415."""
    routes = scope["app"].router.routes
    return any(route.matches(scope)[0] is Match.FULL for route in routes)


class BodyGuardMiddleware:
    """413 past `max_bytes` (declared or streamed); 415 for a non-JSON body to an API route."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, api_prefix: str) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.api_prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await error_response(413, ErrorCode.PAYLOAD_TOO_LARGE, TOO_LARGE)(scope, receive, send)
            return
        has_body = declared not in ("", "0") or "transfer-encoding" in headers
        if (
            has_body
            and scope["method"] in _BODY_METHODS
            and scope["path"].startswith(self.api_prefix)
            and not _is_json(headers.get("content-type", ""))
            and _route_matches(scope)
        ):
            response = error_response(
                415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Request body must be application/json"
            )
            await response(scope, receive, send)
            return

        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI re-raises HTTPException from body parsing: the error handler
                    # turns it into the envelope.
                    raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, receive_limited, send)
