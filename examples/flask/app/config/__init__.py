"""Typed settings read from the environment."""

from app.config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
