"""Reproducible installs: bounded dependencies, installed from the committed lock."""

import re
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> list[str]:
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    groups = pyproject.get("dependency-groups", {}).values()
    return [*pyproject["project"]["dependencies"], *(req for group in groups for req in group)]


def test_every_dependency_has_an_upper_bound() -> None:
    # A release past the bound is a breaking one: taking it is a deliberate edit.
    unbounded = [req for req in _requirements() if not re.search(r"<\s*\d", req)]
    assert unbounded == []


def test_the_lock_is_installed_as_committed() -> None:
    ignored = (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert "uv.lock" not in ignored
    assert "uv sync --locked" in (PROJECT_ROOT / "Makefile").read_text()
    assert "uv sync --locked" in (PROJECT_ROOT / "Dockerfile").read_text()
