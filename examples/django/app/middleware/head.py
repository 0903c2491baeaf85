"""HEAD wherever GET is served: the GET's status and headers (the server drops the body)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class HeadMiddleware:
    """Routes a HEAD request as a GET; Content-Length stays the GET's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "HEAD":
            request.method = "GET"
        return self.get_response(request)
