"""`manage.py openapi`: rewrite the committed openapi.json from the code."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from app.routes import api

OPENAPI_FILE = Path("openapi.json")


def export_openapi() -> str:
    """The OpenAPI document as committed: stable key order, trailing newline."""
    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = f"Rewrite {OPENAPI_FILE} from the code."
    requires_system_checks = ()

    def handle(self, *args: Any, **options: Any) -> None:
        OPENAPI_FILE.write_text(export_openapi())
        self.stdout.write(f"Wrote {OPENAPI_FILE}")
