"""HTTP handlers, grouped by resource under the versioned API blueprint."""

from flask_openapi3.blueprint import APIBlueprint

from app.routes import auth, items, users

API_PREFIX = "/api/v1"

api = APIBlueprint("api", __name__, url_prefix=API_PREFIX)
api.register_api(auth.bp)
api.register_api(items.bp)
api.register_api(users.bp)
