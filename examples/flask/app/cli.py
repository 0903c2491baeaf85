"""Operator commands: `python -m app.cli create-admin | purge-expired | openapi`."""

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from app.config import get_settings
from app.config.settings import Settings, refusal
from app.errors import ConflictError
from app.extensions import db
from app.main import create_app
from app.models.user import Role
from app.schemas.users import Credentials
from app.services import tokens as token_service
from app.services import users as user_service

OPENAPI_FILE = Path("openapi.json")


def export_openapi() -> str:
    """The OpenAPI document as committed: stable key order, trailing newline."""
    # The document comes from the code alone: no deployment secret is needed to write it.
    app = create_app(Settings(environment="development"))
    return json.dumps(app.api_doc, indent=2, sort_keys=True) + "\n"


def create_admin() -> int:
    """Create an admin from ADMIN_EMAIL / ADMIN_PASSWORD, prompting for what is missing."""
    settings = get_settings()  # before the prompts: refused settings stop it at once
    email = os.environ.get("ADMIN_EMAIL") or input("Admin email: ")
    password = os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Admin password: ")
    try:
        credentials = Credentials(email=email, password=password)
        app = create_app(settings)
        with app.app_context():
            user_service.create_user(
                email=credentials.email, password=credentials.password, role=Role.ADMIN
            )
        db.dispose(app)
    except ValidationError as exc:
        print(f"Invalid admin: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    except ConflictError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"Admin {credentials.email} created.")
    return 0


def purge_expired() -> int:
    """Delete expired refresh tokens; run it daily (cron, a Kubernetes CronJob)."""
    app = create_app(get_settings())
    with app.app_context():
        purged = token_service.purge_expired_refresh_tokens()
    db.dispose(app)
    print(f"Purged {purged} expired refresh tokens.")
    return 0


def write_openapi() -> int:
    """Rewrite the committed OpenAPI document."""
    OPENAPI_FILE.write_text(export_openapi())
    print(f"Wrote {OPENAPI_FILE}")
    return 0


COMMANDS: dict[str, tuple[str, Callable[[], int]]] = {
    "create-admin": ("create an admin user", create_admin),
    "purge-expired": ("delete expired refresh tokens", purge_expired),
    "openapi": (f"rewrite {OPENAPI_FILE} from the code", write_openapi),
}


def main() -> int:
    """Dispatch to a subcommand."""
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, _) in COMMANDS.items():
        commands.add_parser(name, help=help_text)
    args = parser.parse_args()
    try:
        return COMMANDS[args.command][1]()
    except ValidationError as exc:  # the settings a command needs were refused
        print(refusal(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
