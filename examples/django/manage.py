#!/usr/bin/env python
"""Django's command-line utility; refused settings stop every command with the reason."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main() -> int:
    """Check the settings, then run the management command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from django.conf import settings  # noqa: PLC0415 (after DJANGO_SETTINGS_MODULE)

        from config.env import refuse_unsafe_production  # noqa: PLC0415

        refuse_unsafe_production(settings.ENV)
    except ImproperlyConfigured as exc:
        print(exc, file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    execute_from_command_line(sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
