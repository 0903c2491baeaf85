"""The Flask extensions, created unbound here and bound to an app by `create_app`."""

from app.db import Database
from app.middleware.rate_limit import RateLimiter

db = Database()
rate_limiter = RateLimiter()
