"""The questions: bad answers are refused with a clear message, defaults render,
and a render into an existing folder leaves the user's files alone.

Copier behaviour these tests pin down (copier 9.19):
- A failed validator or an unknown choice passed through `data=` raises
  ValueError naming the question and the reason, before any file is written;
  a destination that did not exist is not created.
- Rendering into a non-empty folder keeps files the template does not have.
- Without `overwrite=True`, a file the template would change makes Copier ask;
  with no terminal that raises InteractiveSessionError ("Consider using
  `--overwrite`"), and the files rendered before it stay (no rollback).
- With `overwrite=True`, an existing file the template also has is replaced
  without a word, except paths in `_skip_if_exists` (`.env`) or in the
  caller's `skip_if_exists`, which keep the user's version.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from copier.errors import InteractiveSessionError
from matrix import CONFIG, render

pytestmark = pytest.mark.filterwarnings("ignore::copier.errors.DirtyLocalWarning")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param({"project_slug": "My Slug"}, 'The slug "My Slug" is not valid', id="spaces"),
        pytest.param({"project_slug": "1abc"}, 'The slug "1abc" is not valid', id="digit-first"),
        pytest.param({"project_slug": "orders--api"}, "is not valid", id="double-dash"),
        pytest.param({"project_slug": "app"}, 'The slug "app" is reserved', id="reserved-app"),
        pytest.param({"project_slug": "tests"}, "is reserved", id="reserved-tests"),
        pytest.param({"author_email": "someone"}, "is not an email address", id="email"),
        pytest.param({"author_email": "a@b"}, "is not an email address", id="email-no-tld"),
        pytest.param({"project_name": ""}, "must not be empty", id="empty-name"),
        pytest.param({"project_name": "   "}, "must not be empty", id="blank-name"),
        pytest.param({"database": "oracle"}, "Invalid choice for 'database'", id="database"),
        pytest.param({"auth": "oauth"}, "Invalid choice for 'auth'", id="auth"),
        pytest.param({"framework": "rails"}, "Invalid choice for 'framework'", id="framework"),
        pytest.param({"license": "GPL"}, "Invalid choice for 'license'", id="license"),
        pytest.param(
            {"description": 'The "orders" API'}, "cannot contain double quotes", id="quote"
        ),
        pytest.param({"author_name": "A\\B"}, "cannot contain", id="backslash"),
        pytest.param({"project_name": "Two\nLines"}, "cannot contain", id="line-break"),
    ],
)
def test_bad_answer_is_refused_with_a_reason(
    tmp_path: Path, answers: dict[str, str], message: str
) -> None:
    dst = tmp_path / "project"
    with pytest.raises(ValueError, match=message) as refused:
        render(dst, answers)
    question = next(iter(answers))
    assert question in str(refused.value)
    assert not dst.exists(), "a refused render left files behind"


def test_defaults_render(tmp_path: Path) -> None:
    dst = tmp_path / "project"
    render(dst)
    recorded = yaml.safe_load((dst / ".copier-answers.yml").read_text())
    assert recorded["project_name"] == CONFIG["project_name"]["default"]
    assert recorded["project_slug"] == "my-service"  # derived from the name
    for question in ("framework", "database", "auth", "use_redis", "license", "ci_provider"):
        assert recorded[question] == CONFIG[question]["default"], question
    assert (dst / "app").is_dir()
    assert "my-service" in (dst / "pyproject.toml").read_text()


def test_slug_is_derived_from_the_name(tmp_path: Path) -> None:
    dst = tmp_path / "project"
    render(dst, {"project_name": "  Orders API (v2) "})
    recorded = yaml.safe_load((dst / ".copier-answers.yml").read_text())
    assert recorded["project_slug"] == "orders-api-v2"


@pytest.fixture
def user_folder(tmp_path: Path) -> Path:
    """A folder that already holds the user's own files, one of them named like the template's."""
    folder = tmp_path / "existing"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "notes.md").write_text("my notes\n")
    (folder / "README.md").write_text("my readme\n")
    (folder / ".env").write_text("SECRET_KEY=my-own-secret\n")
    return folder


def test_render_into_a_folder_keeps_unrelated_files(user_folder: Path) -> None:
    render(user_folder, overwrite=True)
    assert (user_folder / "docs" / "notes.md").read_text() == "my notes\n"
    assert (user_folder / "Makefile").exists()


def test_existing_file_is_not_overwritten_without_consent(user_folder: Path) -> None:
    with pytest.raises(InteractiveSessionError, match="--overwrite"):
        render(user_folder)
    assert (user_folder / "README.md").read_text() == "my readme\n"
    assert (user_folder / "docs" / "notes.md").read_text() == "my notes\n"


def test_overwrite_replaces_files_except_skip_if_exists(user_folder: Path) -> None:
    render(user_folder, overwrite=True)
    assert (user_folder / "README.md").read_text().startswith("# My Service")
    # `.env` is in copier.yml's _skip_if_exists: the user's secrets survive.
    assert (user_folder / ".env").read_text() == "SECRET_KEY=my-own-secret\n"


def test_skip_if_exists_keeps_the_users_version(user_folder: Path) -> None:
    render(user_folder, overwrite=True, skip_if_exists=["README.md"])
    assert (user_folder / "README.md").read_text() == "my readme\n"
    assert (user_folder / "Makefile").exists()
