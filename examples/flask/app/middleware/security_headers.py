"""Security headers on every response, errors included."""

from flask import Flask, Response, request

# JSON needs no scripts, styles or frames.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI: its files come from the service itself; it boots with one inline script.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)
HSTS = "max-age=63072000; includeSubDomains"


def init_app(app: Flask, *, docs_prefix: str, hsts: bool) -> None:
    """Add the headers of STANDARDS section 3; HSTS only when serving production."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
    if hsts:
        headers["Strict-Transport-Security"] = HSTS

    @app.after_request
    def _add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        docs = request.path.startswith(docs_prefix)
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else API_CSP)
        return response
