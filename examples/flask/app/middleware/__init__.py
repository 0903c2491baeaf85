"""Pure ASGI middleware: no per-request task or body copy, unlike `BaseHTTPMiddleware`."""
