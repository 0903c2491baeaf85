"""Security headers on every response, errors included."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# JSON needs no scripts, styles or frames.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI (the docs page): its files come from the service itself, no inline script.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# Django's admin site: its own scripts, styles and forms.
ADMIN_CSP = (
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
HSTS = "max-age=63072000; includeSubDomains"


class SecurityHeadersMiddleware:
    """Adds the headers of STANDARDS section 3; HSTS only when serving production."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.headers = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Resource-Policy": "same-origin",
            "Cache-Control": "no-store",
        }
        if settings.ENV.is_production:
            self.headers["Strict-Transport-Security"] = HSTS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        if request.path == "/docs":
            csp = DOCS_CSP
        elif request.path.startswith(("/admin/", "/static/")):
            csp = ADMIN_CSP
        else:
            csp = API_CSP
        response.headers.setdefault("Content-Security-Policy", csp)
        return response
