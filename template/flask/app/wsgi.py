"""`app = create_app()`, for the WSGI server only (gunicorn app.wsgi:app)."""

from app.main import create_app

app = create_app()
