"""examples/<framework>/ holds each framework's default render, committed; each must
match a fresh render of the template, and every framework copier.yml offers has one.

On failure, run `uv run python scripts/render_examples.py` (or name the frameworks:
`... render_examples.py fastapi`), review the diff and commit it.
"""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from matrix import TEMPLATE_ROOT, choices


def _load_script() -> ModuleType:
    path = TEMPLATE_ROOT / "scripts" / "render_examples.py"
    spec = importlib.util.spec_from_file_location("render_examples", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render_examples = _load_script()
FRAMEWORKS = choices("framework")
REGENERATE = "uv run python scripts/render_examples.py"


def _diff(name: str, committed: bytes, fresh: bytes) -> str:
    try:
        old, new = committed.decode().splitlines(), fresh.decode().splitlines()
    except UnicodeDecodeError:
        return f"{name}: binary content differs"
    lines = difflib.unified_diff(
        old, new, f"examples (committed)/{name}", f"fresh render/{name}", lineterm=""
    )
    return "\n".join(lines)


def test_every_framework_has_its_default_render_and_nothing_else() -> None:
    """One example per framework offered in copier.yml: its default answers."""
    assert {name: {"framework": name} for name in FRAMEWORKS} == render_examples.EXAMPLES
    folders = sorted(p.name for p in render_examples.EXAMPLES_DIR.iterdir() if p.is_dir())
    assert folders == sorted(FRAMEWORKS), (
        f"examples/ should hold one folder per framework ({', '.join(FRAMEWORKS)}); "
        f"remove the others and run `{REGENERATE}`"
    )


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_example_matches_a_fresh_render(name: str, tmp_path: Path) -> None:
    folder = render_examples.EXAMPLES_DIR / name
    assert folder.is_dir(), f"examples/{name} is missing: run `{REGENERATE} {name}`"
    fresh = render_examples.render(tmp_path / name, {"framework": name})
    expected = render_examples.snapshot(fresh, render_examples.project_files(fresh))
    committed = render_examples.snapshot(folder, render_examples.example_files(folder))

    problems = [f"missing from examples/{name}: {f}" for f in sorted(expected.keys() - committed)]
    problems += [f"not in a fresh render: {f}" for f in sorted(committed.keys() - expected)]
    for file in sorted(expected.keys() & committed.keys()):
        (old, old_exec), (new, new_exec) = committed[file], expected[file]
        if old != new:
            problems.append(_diff(file, old, new))
        if old_exec != new_exec:
            problems.append(f"{file}: executable bit is {old_exec}, a fresh render has {new_exec}")
    assert not problems, (
        f"examples/{name} has drifted from the template; regenerate it with "
        f"`{REGENERATE} {name}`, review the diff and commit it:\n" + "\n".join(problems)
    )


def test_examples_hold_no_git_repository() -> None:
    assert not list(render_examples.EXAMPLES_DIR.glob("*/.git"))
