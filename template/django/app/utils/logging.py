"""Structured logging: JSON lines in production, readable lines in development."""

import logging
import sys

import structlog

from config.env import Env


def configure_logging(env: Env) -> None:
    """One format for the app's own events and for stdlib records (Django).

    The app's events go straight to stderr: the stdlib logging machinery would cost
    more than the request they describe.
    """
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderers: list[structlog.types.Processor] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if env.json_logs
        else [structlog.dev.ConsoleRenderer(colors=False)]
    )
    structlog.configure(
        processors=[*shared, *renderers],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[env.log_level]
        ),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderers],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(env.log_level)
    # Our access log replaces the development server's (`manage.py serve --reload`).
    logging.getLogger("django.server").disabled = True
    # Django's warning for every 4xx repeats the access line; its 5xx errors stay.
    logging.getLogger("django.request").setLevel(logging.ERROR)
