"""Project configuration: settings, URLs, the WSGI application and gunicorn's settings."""
