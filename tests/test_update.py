"""`copier update` never loses a user's work.

Each case builds a temporary git copy of the template (tests/template_repo.py):
the template as it is now is release OLD; the test changes it as a maintainer
would and tags NEW; a project rendered at OLD, then edited and committed as a
team would, is updated with Copier's command line.

Copier behaviour these tests pin down (copier 9.19):
- Files only one side changed merge silently; a file the template deletes is
  deleted even if the user edited it (hence hooks/migrate.py's `move`).
- A conflict leaves inline markers (`--conflict inline`, the default) or the
  template's version plus a `.rej` hunk (`--conflict rej`), and exits 0.
- A dirty tree is refused before anything is written.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import harness
import pytest
from matrix import (
    CONFIG,
    SELECTIONS,
    TEMPLATE_ROOT,
    axis_values,
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

FASTAPI = "template/fastapi"
SETTINGS = "includes/python/settings.py.jinja"  # FastAPI and Flask share it

# --- What a team adds and changes in its service ------------------------------

WIDGET_ROUTES = '''\
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

WIDGET_MODEL = '''\
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

WIDGET_MIGRATION = '''\
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

WIDGET_TEST = '''\
"""The team's own test."""

from httpx import AsyncClient


async def test_widgets_are_listed(client: AsyncClient) -> None:
    response = await client.get("/api/v1/widgets")
    assert response.status_code == 200
    assert response.json()["data"] == []
'''

README_INTRO = "A backend service rendered by copier-backend."
TEAM_INTRO = "Widgets for the warehouse team; on call: #warehouse-oncall."
RATE_LIMIT_LINE = 'rate_limit_default: str = "1000/minute"'
TEAM_RATE_LIMIT_LINE = 'rate_limit_default: str = "600/minute"'


def edit(project: Path, relpath: str, old: str, new: str) -> None:
    replace_in(project, relpath, old, new)


def write(project: Path, relpath: str, text: str) -> None:
    write_file(project, relpath, text)


def add_widgets(project: Path) -> None:
    """A team's resource: route, model, migration and test, registered where they go."""
    write(project, "app/routes/widgets.py", WIDGET_ROUTES)
    edit(project, "app/routes/__init__.py", "auth, items, users", "auth, items, users, widgets")
    with (project / "app/routes/__init__.py").open("a") as routes:
        routes.write("api_router.include_router(widgets.router)\n")
    write(project, "app/models/widget.py", WIDGET_MODEL)
    edit(
        project,
        "app/models/__init__.py",
        "from app.models.user import Role, User\n",
        "from app.models.user import Role, User\nfrom app.models.widget import Widget\n",
    )
    edit(project, "app/models/__init__.py", '    "User",\n', '    "User",\n    "Widget",\n')
    write(project, "migrations/versions/2026_12_01_0000-3f9a1c2b7d4e_widgets.py", WIDGET_MIGRATION)
    write(project, "tests/test_widgets.py", WIDGET_TEST)


# --- What a maintainer changes in the template ----------------------------------

RUNBOOK = "# Runbook\n\nWhat to do when the service pages you.\n"
NAME_INDEX_MIGRATION = '''\
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


def improve_template(template: TemplateRepo) -> None:
    """A release's worth of changes, none on lines a team usually edits, and a migration."""
    template.replace(
        f"{FASTAPI}/app/models/item.py.jinja",
        "mapped_column(String(NAME_MAX_LENGTH))",
        "mapped_column(String(NAME_MAX_LENGTH), index=True)",
    )
    template.write(
        f"{FASTAPI}/migrations/versions/2026_12_01_0000-0002_index_item_names.py",
        NAME_INDEX_MIGRATION,
    )
    template.write(f"{FASTAPI}/docs/runbook.md", RUNBOOK)
    template.replace(
        f"{FASTAPI}/Makefile.jinja",
        ".PHONY: backup\n",
        ".PHONY: check\ncheck: lint test ## Lint, type-check and test\n\n.PHONY: backup\n",
    )
    template.replace(
        SETTINGS,
        "# unset: rate-limit counters in process memory",
        "# unset: each process counts rate limits in its own memory",
    )
    template.replace(
        "includes/readme.jinja",
        "`make backup` runs",
        "See `docs/runbook.md` when paged. `make backup` runs",
    )
    template.replace(
        "includes/env.jinja", "DEBUG=false\n", "DEBUG=false\n# Never true in production.\n"
    )


@pytest.fixture
def template(tmp_path: Path) -> TemplateRepo:
    """The current template as release OLD, in its own repository."""
    return TemplateRepo.from_working_tree(tmp_path / "template")


def render_old(template: TemplateRepo, tmp_path: Path, **answers: Any) -> Path:
    return render_at(template.path, OLD, tmp_path / "service", **answers)


# --- The cases ----------------------------------------------------------------


def test_an_update_keeps_the_teams_work_and_brings_the_release(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """Edits, new files and a new migration stay; the release arrives; tests still pass."""
    project = render_old(template, tmp_path)
    env = harness.clean_env(project)
    harness.make_ok(project, "install", env)
    add_widgets(project)
    edit(project, "app/config/settings.py", RATE_LIMIT_LINE, TEAM_RATE_LIMIT_LINE)
    edit(project, "README.md", README_INTRO, TEAM_INTRO)
    harness.make_ok(project, "openapi", env)  # the committed export follows the new route
    commit_all(project, "Widgets")
    with (project / ".env").open("a") as dotenv:  # ignored by git: the team's alone
        dotenv.write("RATE_LIMIT_AUTH=5/minute\n")
    dotenv_before = (project / ".env").read_text()
    before = project_files(project)

    improve_template(template)
    template.release(NEW, "A release")
    update_ok(project)

    after = project_files(project)
    assert list(conflicted(project)) == []
    team_files = [
        "app/routes/widgets.py",
        "app/models/widget.py",
        "migrations/versions/2026_12_01_0000-3f9a1c2b7d4e_widgets.py",
        "tests/test_widgets.py",
        "openapi.json",
        "app/routes/__init__.py",
        "app/models/__init__.py",
        "uv.lock",
    ]
    assert {path: after.get(path) for path in team_files} == {
        path: before[path] for path in team_files
    }
    settings = (project / "app/config/settings.py").read_text()
    assert TEAM_RATE_LIMIT_LINE in settings
    assert "each process counts rate limits in its own memory" in settings
    readme = (project / "README.md").read_text()
    assert TEAM_INTRO in readme
    assert "See `docs/runbook.md` when paged." in readme
    assert (project / "docs/runbook.md").read_text() == RUNBOOK
    assert (project / ".env").read_text() == dotenv_before
    assert "# Never true in production." in (project / ".env.example").read_text()
    assert "check: lint test" in (project / "Makefile").read_text()
    assert answers_of(project)["_commit"] == NEW
    # The release's migration and the team's are two heads: both apply, tests pass.
    assert (project / "migrations/versions/2026_12_01_0000-0002_index_item_names.py").exists()
    harness.make_ok(project, "migrate", env)
    harness.make_ok(project, "test", env)


def test_a_conflict_is_marked_in_that_file_and_nothing_else_changes(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """Both sides change one line: markers there, both versions kept, the rest untouched."""
    project = render_old(template, tmp_path)
    edit(project, "app/config/settings.py", RATE_LIMIT_LINE, TEAM_RATE_LIMIT_LINE)
    edit(project, "README.md", README_INTRO, TEAM_INTRO)
    commit_all(project, "Tune the rate limit")
    before = project_files(project)

    template.replace(SETTINGS, RATE_LIMIT_LINE, 'rate_limit_default: str = "2000/minute"')
    template.write(f"{FASTAPI}/docs/runbook.md", RUNBOOK)
    template.release(NEW, "Raise the default rate limit")
    update_ok(project)

    after = project_files(project)
    assert sorted(set(conflicted(project))) == ["app/config/settings.py"]
    settings = after["app/config/settings.py"].decode()
    assert "<<<<<<< before updating" in settings
    assert TEAM_RATE_LIMIT_LINE in settings  # the team's line, kept
    assert 'rate_limit_default: str = "2000/minute"' in settings  # the release's line
    assert changed_files(before, after) == {
        ".copier-answers.yml",
        "app/config/settings.py",
        "docs/runbook.md",
    }


def test_with_conflict_rej_the_teams_hunk_is_kept_in_a_rej_file(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """`--conflict rej`: the release's line in the file, the team's hunk beside it."""
    project = render_old(template, tmp_path)
    edit(project, "app/config/settings.py", RATE_LIMIT_LINE, TEAM_RATE_LIMIT_LINE)
    commit_all(project, "Tune the rate limit")
    before = project_files(project)

    template.replace(SETTINGS, RATE_LIMIT_LINE, 'rate_limit_default: str = "2000/minute"')
    template.release(NEW, "Raise the default rate limit")
    update_ok(project, "--conflict", "rej")

    after = project_files(project)
    assert 'rate_limit_default: str = "2000/minute"' in after["app/config/settings.py"].decode()
    assert TEAM_RATE_LIMIT_LINE in after["app/config/settings.py.rej"].decode()
    assert changed_files(before, after) == {
        ".copier-answers.yml",
        "app/config/settings.py",
        "app/config/settings.py.rej",
    }


# The default answers, then each other value of every axis but the framework (a
# service does not change framework on update).
DEFAULT_FRAMEWORK = CONFIG["framework"]["default"]
DEFAULT_COMBO = next(c for c in default_combinations() if c["framework"] == DEFAULT_FRAMEWORK)
ANSWER_CHANGES = [
    {axis: value}
    for axis, values in axis_values().items()
    if axis != "framework"
    for value in values
    if value != DEFAULT_COMBO[axis]
]


@pytest.mark.parametrize(
    "change",
    ANSWER_CHANGES,
    ids=lambda change: ",".join(f"{key}={value}" for key, value in change.items()),
)
def test_changing_an_answer_gives_a_fresh_render_plus_the_teams_edits(
    template: TemplateRepo, tmp_path: Path, change: dict[str, Any]
) -> None:
    """Update with a new answer == a fresh render with that answer, plus the team's edits."""
    project = render_old(template, tmp_path)
    write(project, "app/routes/widgets.py", WIDGET_ROUTES)
    edit(project, "README.md", README_INTRO, TEAM_INTRO)
    commit_all(project, "Widgets")
    improve_template(template)
    template.release(NEW, "A release")

    update_ok(project, *data_args(change))
    fresh = render_at(template.path, NEW, tmp_path / "fresh", **change)

    assert list(conflicted(project)) == []
    expected = project_files(fresh)
    edit(fresh, "README.md", README_INTRO, TEAM_INTRO)
    expected["README.md"] = (fresh / "README.md").read_bytes()
    expected["app/routes/widgets.py"] = WIDGET_ROUTES.encode()
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
    template.move(f"{FASTAPI}/scripts/backup.sh.jinja", f"{FASTAPI}/bin/backup.sh.jinja")
    template.replace(f"{FASTAPI}/Makefile.jinja", "./scripts/backup.sh", "./bin/backup.sh")
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "oldest_release_answers" not in metafunc.fixturenames:
        return
    combos = oldest_release_combos(metafunc.config)
    assert combos, f"no selected combination can be rendered by {OLDEST_SUPPORTED}"
    answers = [{**combo, **OTHER_ANSWERS[i % len(OTHER_ANSWERS)]} for i, combo in enumerate(combos)]
    # Not the bare combination id: conftest.py's scheduler would tie the case to that
    # combination's deep-tier worker.
    ids = [f"{OLDEST_SUPPORTED}-{combo_id(combo)}" for combo in combos]
    metafunc.parametrize("oldest_release_answers", answers, ids=ids)


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
