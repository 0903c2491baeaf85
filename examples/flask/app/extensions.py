"""The Flask extensions, created unbound here and bound to an app by `create_app`."""

from app.db import Database
from app.middleware.metrics import Metrics
from app.middleware.rate_limit import RateLimiter

db = Database()
metrics = Metrics()
rate_limiter = RateLimiter()
