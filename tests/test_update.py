"""`copier update` never loses a user's work.

Each case builds a temporary git copy of the template (tests/template_repo.py):
the template as it is now is release OLD; the test changes it as a maintainer
would and tags NEW; a project rendered at OLD, then edited and committed as a
team would, is updated with Copier's command line. FRAMEWORKS holds, per framework,
what its team adds (in that framework's idiom) and what a release changes; the main
cases run on every framework of the `--matrix` selection.

Copier behaviour these tests pin down (copier 9.19):
- Files only one side changed merge silently; a file the template deletes is
  deleted even if the user edited it (hence hooks/migrate.py's `move`).
- A conflict leaves inline markers (`--conflict inline`, the default) or the
  template's version plus a `.rej` hunk (`--conflict rej`), and exits 0.
- A dirty tree is refused before anything is written.
And what each framework's migration tool makes of a release's migration next to a
team's: two Alembic heads (both apply), two Django leaves (a merge migration first),
two Kysely files (both apply, in any order).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
import pytest
from matrix import (
    CONFIG,
    MATRIX,
    SELECTIONS,
    TEMPLATE_ROOT,
    axis_values,
    choices,
    combo_id,
    default_combinations,
    load_copier_config,
)
from packaging.version import Version
from template_repo import (
    NEW,
    OLD,
    OLDEST_SUPPORTED,
    TemplateRepo,
    answers_of,
    changed_files,
    commit_all,
    conflicted,
    copier,
    data_args,
    git,
    project_files,
    releases,
    render_at,
    replace_in,
    update,
    update_ok,
    write_file,
)

# --- What a team adds and changes in its service, per framework -------------------

FASTAPI_WIDGET_ROUTES = '''\
"""Widgets: the team's own resource."""

from fastapi import APIRouter

from app.routes.openapi import error_responses
from app.schemas.common import Envelope

router = APIRouter(prefix="/widgets", tags=["widgets"], responses=error_responses(429, 500))


@router.get("", summary="List widgets")
async def list_widgets() -> Envelope[list[str]]:
    """Every widget (none yet)."""
    return Envelope(data=[])
'''

# FastAPI's and Flask's: the same SQLAlchemy model and Alembic revision.
SQLALCHEMY_WIDGET_MODEL = '''\
"""Widgets: the team's own table."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Widget(Base):
    """A widget."""

    __tablename__ = "widgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
'''

ALEMBIC_WIDGET_MIGRATION = '''\
"""Widgets table.

Revision ID: 3f9a1c2b7d4e
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "3f9a1c2b7d4e"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "widgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_widgets")),
    )


def downgrade() -> None:
    op.drop_table("widgets")
'''

FASTAPI_WIDGET_TEST = '''\
"""The team's own test."""

from httpx import AsyncClient


async def test_widgets_are_listed(client: AsyncClient) -> None:
    response = await client.get("/api/v1/widgets")
    assert response.status_code == 200
    assert response.json()["data"] == []
'''

FLASK_WIDGET_ROUTES = '''\
"""Widgets: the team's own resource."""

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from sqlalchemy import select

from app.extensions import db
from app.models import Widget
from app.routes.openapi import error_responses, operation_id
from app.schemas.common import Envelope
from app.utils.responses import json_response


class WidgetNamesEnvelope(Envelope[list[str]]):
    """Every widget's name."""


bp = APIBlueprint(
    "widgets",
    __name__,
    url_prefix="/widgets",
    abp_tags=[Tag(name="widgets")],
    operation_id_callback=operation_id,
    abp_responses=error_responses(429, 500),
)


@bp.get("", summary="List widgets", responses={200: WidgetNamesEnvelope})
def list_widgets() -> Response:
    """Every widget's name."""
    names = db.session.scalars(select(Widget.name).order_by(Widget.id)).all()
    return json_response(WidgetNamesEnvelope(data=list(names)))
'''

FLASK_WIDGET_TEST = '''\
"""The team's own test."""

from tests.clients import ApiClient


def test_widgets_are_listed(client: ApiClient) -> None:
    response = client.get("/api/v1/widgets")
    assert response.status_code == 200
    assert response.json["data"] == []
'''

DJANGO_WIDGET_ROUTES = '''\
"""Widgets: the team's own resource."""

from django.http import HttpRequest
from ninja import Router

from app.models import Widget
from app.routes.openapi import responses
from app.schemas.common import Envelope


class WidgetNamesEnvelope(Envelope[list[str]]):
    """Every widget's name."""


router = Router(tags=["widgets"])


@router.get(
    "",
    operation_id="listWidgets",
    summary="List widgets",
    response=responses(200, WidgetNamesEnvelope, 429, 500),
)
def list_widgets(request: HttpRequest) -> WidgetNamesEnvelope:
    """Every widget's name."""
    return WidgetNamesEnvelope(data=list(Widget.objects.values_list("name", flat=True)))
'''

DJANGO_WIDGET_MODEL = '''\
"""Widgets: the team's own table."""

from django.db import models


class Widget(models.Model):
    """A widget."""

    name = models.CharField(max_length=100)

    class Meta:
        db_table = "widgets"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
'''

# As `makemigrations app --name widgets` then `make format` write it.
DJANGO_WIDGET_MIGRATION = """\
# Generated by Django 5.2.19 on 2026-12-01 17:30

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("app", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Widget",
            fields=[
                (
                    "id",
                    models.AutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
            ],
            options={
                "db_table": "widgets",
                "ordering": ["id"],
            },
        ),
    ]
"""

DJANGO_WIDGET_TEST = '''\
"""The team's own test."""

import pytest
from django.test import Client

from app.models import Widget


@pytest.mark.django_db
def test_widgets_are_listed(client: Client) -> None:
    Widget.objects.create(name="sprocket")
    response = client.get("/api/v1/widgets")
    assert response.status_code == 200
    assert response.json()["data"] == ["sprocket"]
'''

EXPRESS_WIDGET_ROUTES = """\
/** Widgets: the team's own resource. */
import { Router } from "express";

import type { Db } from "../db/database.ts";
import { sendData } from "../utils/responses.ts";

/** `GET /` lists every widget's name. */
export function createWidgetsRouter({ db }: { db: Db }): Router {
  const router = Router();

  router.get("/", async (_req, res) => {
    const widgets = await db.selectFrom("widgets").select("name").orderBy("id").execute();
    sendData(
      res,
      widgets.map((widget) => widget.name),
    );
  });

  return router;
}
"""

EXPRESS_WIDGET_MIGRATION = """\
/** The team's widgets table. */
import type { Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("widgets")
    .addColumn("id", "integer", (col) => col.autoIncrement().primaryKey())
    .addColumn("name", "varchar(100)", (col) => col.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("widgets").execute();
}
"""

EXPRESS_WIDGET_TEST = """\
import supertest from "supertest";
import { afterAll, describe, expect, it } from "vitest";

import { createTestApp } from "./helpers.ts";

const { app, close } = createTestApp();
afterAll(close);

describe("widgets", () => {
  it("are listed", async () => {
    const response = await supertest(app).get("/api/v1/widgets").expect(200);
    expect(response.body).toMatchObject({ success: true, data: [] });
  });
});
"""

SQLALCHEMY_MODEL_REGISTRATION = [
    (
        "app/models/__init__.py",
        "from app.models.user import Role, User\n",
        "from app.models.user import Role, User\nfrom app.models.widget import Widget\n",
    ),
    ("app/models/__init__.py", '    "User",\n', '    "User",\n    "Widget",\n'),
]

# --- What a maintainer changes in the template, per framework ----------------------

RUNBOOK = "# Runbook\n\nWhat to do when the service pages you.\n"
ALEMBIC_NAME_INDEX_MIGRATION = '''\
"""Index items.name.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_items_name"), "items", ["name"])


def downgrade() -> None:
    op.drop_index(op.f("ix_items_name"), table_name="items")
'''

DJANGO_NAME_INDEX_MIGRATION = '''\
"""Index items.name."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("app", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="item",
            name="name",
            field=models.CharField(db_index=True, max_length=200),
        ),
    ]
'''

# MySQL alone needs the table to drop an index (and PostgreSQL refuses it).
EXPRESS_NAME_INDEX_MIGRATION = """\
{% set on_items = '.on("items")' if database == 'mysql' else '' %}
/** Index items.name. */
import type { Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("ix_items_name").on("items").column("name").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("ix_items_name"){{ on_items }}.execute();
}
"""

Edit = tuple[str, str, str]  # (path, old, new): `old` must be there; its first match changes


@dataclass(frozen=True)
class Framework:
    """One framework as the update tier sees it: where the template keeps the lines a
    release changes, what a team adds to its service, what it must run after an update.

    Template paths are all here, so a file the template moves is a one-line fix.
    """

    name: str
    settings: str  # the project's settings module
    settings_template: str
    model_template: str  # the Item model (Flask's renders FastAPI's)
    lockfile: str
    rate_limit_line: str  # in `settings`
    comment: str  # a settings comment the release rewords (`reworded_comment`)
    reworded_comment: str
    model_edit: tuple[str, str]  # the release indexes items.name
    release_migration: tuple[str, str]  # (path in the framework's tree, text)
    # What a team adds (the route module first): a resource, its table, migration, test.
    team_files: dict[str, str]
    team_edits: tuple[Edit, ...]  # and where it registers them
    # What the framework makes a team run after an update that brings a migration.
    after_update: tuple[tuple[str, ...], ...] = ()

    @property
    def tree(self) -> str:
        return f"template/{self.name}"

    @property
    def team_rate_limit_line(self) -> str:
        return self.rate_limit_line.replace("1000/minute", "600/minute")

    @property
    def release_rate_limit_line(self) -> str:
        return self.rate_limit_line.replace("1000/minute", "2000/minute")

    @property
    def model(self) -> str:
        """The Item model's path in a project."""
        return self.model_template.split("/", 2)[2].removesuffix(".jinja")

    @property
    def release_migration_path(self) -> str:
        """Where the release's migration lands in a project."""
        return self.release_migration[0].removesuffix(".jinja")


PYTHON_COMMENT = "# unset: rate-limit counters in process memory"
PYTHON_REWORDED = "# unset: each process counts rate limits in its own memory"
ALEMBIC_RELEASE_MIGRATION = "migrations/versions/2026_12_01_0000-0002_index_item_names.py"
ALEMBIC_TEAM_MIGRATION = "migrations/versions/2026_12_01_0000-3f9a1c2b7d4e_widgets.py"
FASTAPI_MODEL = "template/fastapi/app/models/item.py.jinja"
# FastAPI's and Flask's settings are one text.
SQLALCHEMY_SETTINGS = "includes/python/settings.py.jinja"
SQLALCHEMY_INDEX = (
    "mapped_column(String(NAME_MAX_LENGTH))",
    "mapped_column(String(NAME_MAX_LENGTH), index=True)",
)

FRAMEWORKS = {
    fw.name: fw
    for fw in [
        Framework(
            name="fastapi",
            settings="app/config/settings.py",
            settings_template=SQLALCHEMY_SETTINGS,
            model_template=FASTAPI_MODEL,
            lockfile="uv.lock",
            rate_limit_line='rate_limit_default: str = "1000/minute"',
            comment=PYTHON_COMMENT,
            reworded_comment=PYTHON_REWORDED,
            model_edit=SQLALCHEMY_INDEX,
            release_migration=(ALEMBIC_RELEASE_MIGRATION, ALEMBIC_NAME_INDEX_MIGRATION),
            team_files={
                "app/routes/widgets.py": FASTAPI_WIDGET_ROUTES,
                "app/models/widget.py": SQLALCHEMY_WIDGET_MODEL,
                ALEMBIC_TEAM_MIGRATION: ALEMBIC_WIDGET_MIGRATION,
                "tests/test_widgets.py": FASTAPI_WIDGET_TEST,
            },
            team_edits=(
                ("app/routes/__init__.py", "auth, items, users", "auth, items, users, widgets"),
                (
                    "app/routes/__init__.py",
                    "api_router.include_router(users.router)\n",
                    "api_router.include_router(users.router)\n"
                    "api_router.include_router(widgets.router)\n",
                ),
                *SQLALCHEMY_MODEL_REGISTRATION,
            ),
        ),
        Framework(
            name="flask",
            settings="app/config/settings.py",
            settings_template=SQLALCHEMY_SETTINGS,
            model_template=FASTAPI_MODEL,
            lockfile="uv.lock",
            rate_limit_line='rate_limit_default: str = "1000/minute"',
            comment=PYTHON_COMMENT,
            reworded_comment=PYTHON_REWORDED,
            model_edit=SQLALCHEMY_INDEX,
            release_migration=(ALEMBIC_RELEASE_MIGRATION, ALEMBIC_NAME_INDEX_MIGRATION),
            team_files={
                "app/routes/widgets.py": FLASK_WIDGET_ROUTES,
                "app/models/widget.py": SQLALCHEMY_WIDGET_MODEL,
                ALEMBIC_TEAM_MIGRATION: ALEMBIC_WIDGET_MIGRATION,
                "tests/test_widgets.py": FLASK_WIDGET_TEST,
            },
            team_edits=(
                ("app/routes/__init__.py", "auth, items, users", "auth, items, users, widgets"),
                (
                    "app/routes/__init__.py",
                    "api.register_api(users.bp)\n",
                    "api.register_api(users.bp)\napi.register_api(widgets.bp)\n",
                ),
                *SQLALCHEMY_MODEL_REGISTRATION,
            ),
        ),
        Framework(
            name="django",
            settings="config/env.py",
            settings_template="template/django/config/env.py.jinja",
            model_template="template/django/app/models/item.py.jinja",
            lockfile="uv.lock",
            rate_limit_line='rate_limit_default: str = "1000/minute"',
            comment=PYTHON_COMMENT,
            reworded_comment=PYTHON_REWORDED,
            model_edit=(
                "name = models.CharField(max_length=NAME_MAX_LENGTH)",
                "name = models.CharField(max_length=NAME_MAX_LENGTH, db_index=True)",
            ),
            release_migration=(
                "app/migrations/0002_index_item_names.py",
                DJANGO_NAME_INDEX_MIGRATION,
            ),
            team_files={
                "app/routes/widgets.py": DJANGO_WIDGET_ROUTES,
                "app/models/widget.py": DJANGO_WIDGET_MODEL,
                "app/migrations/0002_widgets.py": DJANGO_WIDGET_MIGRATION,
                "tests/test_widgets.py": DJANGO_WIDGET_TEST,
            },
            team_edits=(
                (
                    "app/routes/__init__.py",
                    "auth, health, items, users",
                    "auth, health, items, users, widgets",
                ),
                (
                    "app/routes/__init__.py",
                    'api.add_router(f"{API_PREFIX}/items", items.router)\n',
                    'api.add_router(f"{API_PREFIX}/items", items.router)\n'
                    'api.add_router(f"{API_PREFIX}/widgets", widgets.router)\n',
                ),
                *SQLALCHEMY_MODEL_REGISTRATION,
            ),
            # The release's migration and the team's are two leaves of the app: Django
            # refuses to migrate until a merge migration joins them (docs/updating.md).
            after_update=(
                (
                    "uv",
                    "run",
                    "python",
                    "manage.py",
                    "makemigrations",
                    "--merge",
                    "--no-input",
                    "--name",
                    "merge_template",
                ),
                ("make", "format"),
            ),
        ),
        Framework(
            name="express",
            settings="src/config/settings.ts",
            settings_template="template/express/src/config/settings.ts.jinja",
            model_template="template/express/src/models/database.ts.jinja",
            lockfile="package-lock.json",
            rate_limit_line='RATE_LIMIT_DEFAULT: rateLimit.default("1000/minute"),',
            comment=(
                "// Accepted in development and tests only; production (the default) refuses it."
            ),
            reworded_comment="// Development and tests only: production (the default) refuses it.",
            model_edit=(
                "/** The tables as Kysely sees them;",
                "/** The tables (indexes aside) as Kysely sees them;",
            ),
            release_migration=(
                "migrations/2026_12_01_0000_index_item_names.ts.jinja",
                EXPRESS_NAME_INDEX_MIGRATION,
            ),
            team_files={
                "src/routes/widgets.ts": EXPRESS_WIDGET_ROUTES,
                "migrations/2026_12_01_0001_widgets.ts": EXPRESS_WIDGET_MIGRATION,
                "tests/widgets.test.ts": EXPRESS_WIDGET_TEST,
            },
            team_edits=(
                (
                    "src/app.ts",
                    'import { createUsersRouter } from "./routes/users.ts";\n',
                    'import { createUsersRouter } from "./routes/users.ts";\n'
                    'import { createWidgetsRouter } from "./routes/widgets.ts";\n',
                ),
                (
                    "src/app.ts",
                    "  app.use(notFound(routes.methodsAt));\n",
                    "  app.use(`${API_PREFIX}/widgets`, createWidgetsRouter({ db }));\n"
                    "  app.use(notFound(routes.methodsAt));\n",
                ),
                (
                    "src/models/database.ts",
                    "export interface Database {\n",
                    "export interface WidgetsTable {\n  id: Generated<number>;\n  name: string;\n}"
                    "\n\nexport interface Database {\n",
                ),
                (
                    "src/models/database.ts",
                    "  refresh_tokens: RefreshTokensTable;\n",
                    "  refresh_tokens: RefreshTokensTable;\n  widgets: WidgetsTable;\n",
                ),
            ),
        ),
    ]
}
README_INTRO = "A backend service rendered by copier-backend."
TEAM_INTRO = "Widgets for the warehouse team; on call: #warehouse-oncall."


def test_every_framework_has_an_update_tier() -> None:
    """A framework added to copier.yml needs its entry in FRAMEWORKS (a team, a release)."""
    assert sorted(FRAMEWORKS) == sorted(choices("framework"))


def edit(project: Path, relpath: str, old: str, new: str) -> None:
    replace_in(project, relpath, old, new)


def write(project: Path, relpath: str, text: str) -> None:
    write_file(project, relpath, text)


def add_widgets(project: Path, fw: Framework) -> None:
    """A team's resource: route, model, migration and test, registered where they go."""
    for relpath, text in fw.team_files.items():
        write(project, relpath, text)
    for relpath, old, new in fw.team_edits:
        edit(project, relpath, old, new)


def tune_settings(project: Path, fw: Framework) -> None:
    """The team's lines in template files: a settings default and the README's intro."""
    edit(project, fw.settings, fw.rate_limit_line, fw.team_rate_limit_line)
    edit(project, "README.md", README_INTRO, TEAM_INTRO)


MAKEFILE_TASK = (
    ".PHONY: backup\n",
    ".PHONY: check\ncheck: lint test ## Lint, type-check and test\n\n.PHONY: backup\n",
)


def improve_template(template: TemplateRepo) -> None:
    """A release's worth of changes to every framework, none on lines a team usually
    edits: an index and its migration, a doc, a Makefile task, a settings comment, and
    shared text (README, .env)."""
    frameworks = FRAMEWORKS.values()
    # A set: a file two frameworks render (Flask's model is FastAPI's) changes once.
    edits = {(fw.model_template, *fw.model_edit) for fw in frameworks}
    edits |= {(fw.settings_template, fw.comment, fw.reworded_comment) for fw in frameworks}
    edits |= {(f"{fw.tree}/Makefile.jinja", *MAKEFILE_TASK) for fw in frameworks}
    for path, old, new in sorted(edits):
        template.replace(path, old, new)
    for fw in frameworks:
        path, text = fw.release_migration
        template.write(f"{fw.tree}/{path}", text)
        template.write(f"{fw.tree}/docs/runbook.md", RUNBOOK)
    template.replace(
        "includes/readme.jinja",
        "`make backup` runs",
        "See `docs/runbook.md` when paged. `make backup` runs",
    )
    template.replace(
        "includes/env.jinja", "DEBUG=false\n", "DEBUG=false\n# Never true in production.\n"
    )


def run_ok(project: Path, command: tuple[str, ...], env: dict[str, str]) -> None:
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"


@pytest.fixture
def template(tmp_path: Path) -> TemplateRepo:
    """The current template as release OLD, in its own repository."""
    return TemplateRepo.from_working_tree(tmp_path / "template")


def render_old(template: TemplateRepo, tmp_path: Path, **answers: Any) -> Path:
    return render_at(template.path, OLD, tmp_path / "service", **answers)


def selected_frameworks(config: pytest.Config) -> list[str]:
    """The frameworks of the `--matrix` selection, in copier.yml's order."""
    selected = {combo["framework"] for combo in SELECTIONS[config.getoption("matrix")]}
    return [name for name in choices("framework") if name in selected]


def answer_changes(framework: str) -> list[dict[str, Any]]:
    """From a framework's default answers, each other value of every axis but the
    framework's own (a service does not change framework on update)."""
    default = next(c for c in default_combinations() if c["framework"] == framework)
    return [
        {axis: value}
        for axis, values in axis_values().items()
        if axis != "framework"
        for value in values
        if value != default[axis] and {**default, axis: value} in MATRIX
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`framework`: each framework of the `--matrix` selection. `framework_change`: every
    answer change of every framework under `--matrix=full`; the covering set takes each
    change once, on the frameworks in turn, so each framework is updated at least once."""
    frameworks = selected_frameworks(metafunc.config)
    # Ids never a bare combination id: conftest.py's scheduler would tie the case to that
    # combination's deep-tier worker.
    if "framework" in metafunc.fixturenames:
        metafunc.parametrize("framework", [FRAMEWORKS[name] for name in frameworks], ids=frameworks)
    if "framework_change" in metafunc.fixturenames:
        pairs = [(name, change) for name in frameworks for change in answer_changes(name)]
        if metafunc.config.getoption("matrix") != "full":
            most = max(len(answer_changes(name)) for name in frameworks)
            pairs = []
            for i in range(max(most, len(frameworks))):
                name = frameworks[i % len(frameworks)]
                changes = answer_changes(name)
                pairs.append((name, changes[i % len(changes)]))
        metafunc.parametrize(
            "framework_change",
            [(FRAMEWORKS[name], change) for name, change in pairs],
            ids=[
                name + "," + ",".join(f"{key}={value}" for key, value in change.items())
                for name, change in pairs
            ],
        )
    if "oldest_release_answers" in metafunc.fixturenames:
        combos = oldest_release_combos(metafunc.config)
        assert combos, f"no selected combination can be rendered by {OLDEST_SUPPORTED}"
        answers = [
            {**combo, **OTHER_ANSWERS[i % len(OTHER_ANSWERS)]} for i, combo in enumerate(combos)
        ]
        ids = [f"{OLDEST_SUPPORTED}-{combo_id(combo)}" for combo in combos]
        metafunc.parametrize("oldest_release_answers", answers, ids=ids)


# --- The cases ----------------------------------------------------------------


def test_an_update_keeps_the_teams_work_and_brings_the_release(
    template: TemplateRepo, tmp_path: Path, framework: Framework
) -> None:
    """Edits, new files and a new migration stay; the release arrives; the team's code
    still passes lint, types and tests, with both migrations applied."""
    fw = framework
    project = render_old(template, tmp_path, framework=fw.name)
    env = harness.clean_env(project)
    harness.make_ok(project, "install", env)
    add_widgets(project, fw)
    tune_settings(project, fw)
    harness.make_ok(project, "openapi", env)  # the committed export follows the new route
    commit_all(project, "Widgets")
    harness.make_ok(project, "migrate", env)  # the team's database (.env's, ignored by git)
    with (project / ".env").open("a") as dotenv:  # ignored by git: the team's alone
        dotenv.write("RATE_LIMIT_AUTH=5/minute\n")
    dotenv_before = (project / ".env").read_text()
    before = project_files(project)

    improve_template(template)
    template.release(NEW, "A release")
    update_ok(project)

    after = project_files(project)
    assert list(conflicted(project)) == []
    unchanged = [*fw.team_files, "openapi.json", fw.lockfile]
    assert {path: after.get(path) for path in unchanged} == {
        path: before[path] for path in unchanged
    }
    for path, _, registration in fw.team_edits:  # merged with the release's changes, if any
        assert registration in after[path].decode(), path
    assert fw.model_edit[1] in after[fw.model].decode()
    settings = (project / fw.settings).read_text()
    assert fw.team_rate_limit_line in settings
    assert fw.reworded_comment in settings
    readme = (project / "README.md").read_text()
    assert TEAM_INTRO in readme
    assert "See `docs/runbook.md` when paged." in readme
    assert (project / "docs/runbook.md").read_text() == RUNBOOK
    assert (project / ".env").read_text() == dotenv_before
    assert "# Never true in production." in (project / ".env.example").read_text()
    assert "check: lint test" in (project / "Makefile").read_text()
    assert answers_of(project)["_commit"] == NEW
    assert (project / fw.release_migration_path).exists()
    # On the database that already has the team's migration, the release's applies too
    # (a second Alembic head; a Django merge migration; an older-dated Kysely file), and
    # lint, types and tests pass.
    for command in fw.after_update:
        run_ok(project, command, env)
    harness.make_ok(project, "lint", env)
    harness.make_ok(project, "migrate", env)
    harness.make_ok(project, "test", env)


def test_a_conflict_is_marked_in_that_file_and_nothing_else_changes(
    template: TemplateRepo, tmp_path: Path, framework: Framework
) -> None:
    """Both sides change one line: markers there, both versions kept, the rest untouched."""
    fw = framework
    project = render_old(template, tmp_path, framework=fw.name)
    tune_settings(project, fw)
    commit_all(project, "Tune the rate limit")
    before = project_files(project)

    template.replace(fw.settings_template, fw.rate_limit_line, fw.release_rate_limit_line)
    template.write(f"{fw.tree}/docs/runbook.md", RUNBOOK)
    template.release(NEW, "Raise the default rate limit")
    update_ok(project)

    after = project_files(project)
    assert sorted(set(conflicted(project))) == [fw.settings]
    settings = after[fw.settings].decode()
    assert "<<<<<<< before updating" in settings
    assert fw.team_rate_limit_line in settings  # the team's line, kept
    assert fw.release_rate_limit_line in settings  # the release's line
    assert changed_files(before, after) == {".copier-answers.yml", fw.settings, "docs/runbook.md"}


def test_with_conflict_rej_the_teams_hunk_is_kept_in_a_rej_file(
    template: TemplateRepo, tmp_path: Path, framework: Framework
) -> None:
    """`--conflict rej`: the release's line in the file, the team's hunk beside it."""
    fw = framework
    project = render_old(template, tmp_path, framework=fw.name)
    edit(project, fw.settings, fw.rate_limit_line, fw.team_rate_limit_line)
    commit_all(project, "Tune the rate limit")
    before = project_files(project)

    template.replace(fw.settings_template, fw.rate_limit_line, fw.release_rate_limit_line)
    template.release(NEW, "Raise the default rate limit")
    update_ok(project, "--conflict", "rej")

    after = project_files(project)
    assert fw.release_rate_limit_line in after[fw.settings].decode()
    assert fw.team_rate_limit_line in after[f"{fw.settings}.rej"].decode()
    assert changed_files(before, after) == {
        ".copier-answers.yml",
        fw.settings,
        f"{fw.settings}.rej",
    }


def test_changing_an_answer_gives_a_fresh_render_plus_the_teams_edits(
    template: TemplateRepo, tmp_path: Path, framework_change: tuple[Framework, dict[str, Any]]
) -> None:
    """Update with a new answer == a fresh render with that answer, plus the team's edits."""
    fw, change = framework_change
    project = render_old(template, tmp_path, framework=fw.name)
    routes, routes_text = next(iter(fw.team_files.items()))
    write(project, routes, routes_text)
    edit(project, "README.md", README_INTRO, TEAM_INTRO)
    commit_all(project, "Widgets")
    improve_template(template)
    template.release(NEW, "A release")

    update_ok(project, *data_args(change))
    fresh = render_at(template.path, NEW, tmp_path / "fresh", framework=fw.name, **change)

    assert list(conflicted(project)) == []
    expected = project_files(fresh)
    edit(fresh, "README.md", README_INTRO, TEAM_INTRO)
    expected["README.md"] = (fresh / "README.md").read_bytes()
    expected[routes] = routes_text.encode()
    actual = project_files(project)
    assert sorted(actual) == sorted(expected)
    assert [path for path in expected if actual[path] != expected[path]] == []


def test_an_uncommitted_change_refuses_the_update_and_nothing_is_written(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """Copier's own message, a non-zero exit, and every file as it was."""
    project = render_old(template, tmp_path)
    edit(project, "README.md", README_INTRO, TEAM_INTRO)  # not committed
    write(project, "notes.txt", "half-done work\n")
    before = project_files(project)
    improve_template(template)
    template.release(NEW, "A release")

    result = update(project)

    assert result.returncode != 0
    assert "Destination repository is dirty" in result.stdout + result.stderr
    assert project_files(project) == before
    assert answers_of(project)["_commit"] == OLD


BACKUP_MIGRATE = ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/hooks/migrate.py"]


def release_renamed_and_moved(template: TemplateRepo) -> None:
    """NEW renames `ci_provider` to `ci` and moves scripts/backup.sh to bin/backup.sh
    (changing its usage line), with the `_migrations` entries that carry both."""
    rename_question(template, "ci_provider", "ci")
    fastapi = FRAMEWORKS["fastapi"].tree
    template.move(f"{fastapi}/scripts/backup.sh.jinja", f"{fastapi}/bin/backup.sh.jinja")
    template.replace(f"{fastapi}/Makefile.jinja", "./scripts/backup.sh", "./bin/backup.sh")
    template.replace(
        "includes/backup.sh.jinja", "# Usage: scripts/backup.sh", "# Usage: bin/backup.sh"
    )
    template.add_migrations(
        {
            "version": NEW,
            "when": "{{ _stage == 'before' }}",
            "command": [*BACKUP_MIGRATE, "rename-answer", "ci_provider", "ci"],
        },
        {
            "version": NEW,
            "command": [*BACKUP_MIGRATE, "move", "scripts/backup.sh", "bin/backup.sh"],
        },
    )
    template.release(NEW, "Rename ci_provider; scripts/ -> bin/")


def test_migrations_carry_a_renamed_question_and_a_moved_file(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """The answer and the team's edit of the moved script both survive, no manual step."""
    project = render_old(template, tmp_path, ci_provider="gitlab")
    edit(
        project,
        "scripts/backup.sh",
        "set -euo pipefail\n",
        "set -euo pipefail\numask 077  # team: backups are private\n",
    )
    commit_all(project, "Private backups")

    release_renamed_and_moved(template)
    update_ok(project)

    answers = answers_of(project)
    assert answers.get("ci") == "gitlab"
    assert "ci_provider" not in answers
    assert (project / ".gitlab-ci.yml").exists()
    assert not (project / ".github").exists()
    script = (project / "bin/backup.sh").read_text()
    assert "umask 077  # team: backups are private" in script  # the team's edit
    assert "# Usage: bin/backup.sh" in script  # the release's
    assert (project / "bin/backup.sh").stat().st_mode & 0o111
    assert not (project / "scripts/backup.sh").exists()
    assert list(conflicted(project)) == []


def test_a_moved_file_both_sides_changed_keeps_both_in_markers(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """The team edited the very line the release changed: markers in the new file, with
    the team's line and the release's; the old path gone; nothing lost."""
    project = render_old(template, tmp_path)
    edit(
        project,
        "scripts/backup.sh",
        "# Usage: scripts/backup.sh",
        "# Usage: scripts/backup.sh  (nightly, from cron)",
    )
    commit_all(project, "Document the schedule")

    release_renamed_and_moved(template)
    update_ok(project)

    script = (project / "bin/backup.sh").read_text()
    assert "<<<<<<< before updating" in script
    assert "# Usage: scripts/backup.sh  (nightly, from cron)" in script
    assert "# Usage: bin/backup.sh" in script
    assert not (project / "scripts/backup.sh").exists()
    assert sorted(set(conflicted(project))) == ["bin/backup.sh"]


def rename_question(template: TemplateRepo, old: str, new: str) -> None:
    """Rename a question everywhere it is used: copier.yml, file contents, file names."""
    for path in sorted(template.path.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if ".git" in path.relative_to(template.path).parts:
            continue
        if path.is_file() and old in (text := path.read_text()):
            path.write_text(text.replace(old, new))
        if old in path.name:
            path.rename(path.with_name(path.name.replace(old, new)))


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[TemplateRepo, str]:
    """The template's release history plus this tree as the newest release."""
    return TemplateRepo.from_history(tmp_path_factory.mktemp("history") / "template")


# The answers beside the matrix's, walked over the cases in turn.
OTHER_ANSWERS: list[dict[str, Any]] = [
    {},
    {"python_version": "3.13", "license": "Apache-2.0", "ci_provider": "gitlab"},
    {"ci_provider": "none", "license": "Proprietary"},
]


def oldest_release_combos(config: pytest.Config) -> list[dict[str, Any]]:
    """The `--matrix` selection, less the answers the oldest supported release lacked
    (a framework or a database added since)."""
    commit = releases()[Version(OLDEST_SUPPORTED)]
    then = axis_values(load_copier_config(git(TEMPLATE_ROOT, "show", f"{commit}:copier.yml")))
    return [
        combo
        for combo in SELECTIONS[config.getoption("matrix")]
        if all(value in then[axis] for axis, value in combo.items())
    ]


def test_a_project_from_the_oldest_supported_release_updates_cleanly(
    history: tuple[TemplateRepo, str], tmp_path: Path, oldest_release_answers: dict[str, Any]
) -> None:
    """Rendered by the oldest release we support, updated to this tree: no conflict, and
    the very files a fresh render of this tree gives for the same answers (each selected
    combination that release offered, see `--matrix`)."""
    answers = oldest_release_answers
    template, newest = history
    project = render_at(template.path, OLDEST_SUPPORTED, tmp_path / "service", **answers)
    assert answers_of(project)["_commit"] == OLDEST_SUPPORTED

    update_ok(project)

    fresh = render_at(template.path, newest, tmp_path / "fresh", **answers)
    assert list(conflicted(project)) == []
    actual, expected = project_files(project), project_files(fresh)
    assert sorted(actual) == sorted(expected)
    assert [path for path in expected if actual[path] != expected[path]] == []


def copier_release(version: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A given Copier release's command line (from uv's cache or the package index)."""
    return subprocess.run(
        [sys.executable, "-m", "uv", "tool", "run", "--quiet", f"copier=={version}", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env=harness.clean_env(),
    )


def test_min_copier_version_is_the_oldest_copier_that_works(tmp_path: Path) -> None:
    """That Copier renders and makes the first commit. The minor release before it,
    allowed in, renders without the first commit (so `copier update` could not run)."""
    minimum = Version(CONFIG["_min_copier_version"])
    template = TemplateRepo.from_working_tree(tmp_path / "template")
    project = tmp_path / "service"
    copy = ["copy", "--trust", "--defaults", str(template.path)]

    result = copier_release(str(minimum), *copy, str(project))
    assert result.returncode == 0, result.stderr
    assert git(project, "log", "--format=%s") == "Initial commit from copier-backend\n"
    assert git(project, "status", "--porcelain") == ""
    assert answers_of(project)["_commit"] == OLD

    older = f"{minimum.major}.{minimum.minor - 1}.0"
    template.replace(
        "copier.yml", f'_min_copier_version: "{minimum}"', f'_min_copier_version: "{older}"'
    )
    template.release("v1.0.1", "Claim an older Copier")
    result = copier_release(older, *copy, str(tmp_path / "older"))
    assert result.returncode == 0, result.stderr
    assert git(tmp_path / "older", "rev-parse", "--is-inside-work-tree", check=False) != "true\n"


def test_a_trusted_template_updates_with_no_flag_but_defaults(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """Trusted in Copier's settings file, `copier update --defaults` is the whole command,
    and the recorded answers (not the defaults) are what the release is rendered with."""
    project = render_old(template, tmp_path, database="postgresql", license="Apache-2.0")
    settings = tmp_path / "copier-settings.yml"
    settings.write_text(f"trust:\n  - {template.path}\n")
    improve_template(template)
    template.release(NEW, "A release")

    result = copier(project, "update", "--defaults", env={"COPIER_SETTINGS_PATH": str(settings)})

    assert result.returncode == 0, result.stderr
    assert (project / "docs/runbook.md").exists()
    answers = answers_of(project)
    assert (answers["_commit"], answers["database"], answers["license"]) == (
        NEW,
        "postgresql",
        "Apache-2.0",
    )
