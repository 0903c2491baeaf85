"""Request id, access log, security headers, CORS, errors, body guard, rate limit."""
