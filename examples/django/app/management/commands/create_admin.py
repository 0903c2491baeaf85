"""`manage.py create_admin`: the first admin, from ADMIN_EMAIL / ADMIN_PASSWORD or prompts."""

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from app.errors import ConflictError
from app.models.user import Role
from app.schemas.users import Credentials
from app.services import users as user_service


class Command(BaseCommand):
    help = "Create an admin user (ADMIN_EMAIL and ADMIN_PASSWORD, or prompts)."

    def handle(self, *args: Any, **options: Any) -> None:
        email = os.environ.get("ADMIN_EMAIL") or input("Admin email: ")
        password = os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Admin password: ")
        try:
            credentials = Credentials(email=email, password=password)
            user_service.create_user(
                email=credentials.email, password=credentials.password, role=Role.ADMIN
            )
        except ValidationError as exc:
            msg = f"Invalid admin: {exc.errors()[0]['msg']}"
            raise CommandError(msg, returncode=2) from exc
        except ConflictError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Admin {credentials.email} created.")
