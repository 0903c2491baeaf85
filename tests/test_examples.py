"""examples/ holds committed renders; each must match a fresh render of the template.

On failure, run `uv run python scripts/render_examples.py`, review and commit.
"""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from matrix import TEMPLATE_ROOT


def _load_script() -> ModuleType:
    path = TEMPLATE_ROOT / "scripts" / "render_examples.py"
    spec = importlib.util.spec_from_file_location("render_examples", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render_examples = _load_script()


def _diff(name: str, committed: bytes, fresh: bytes) -> str:
    try:
        old, new = committed.decode().splitlines(), fresh.decode().splitlines()
    except UnicodeDecodeError:
        return f"{name}: binary content differs"
    lines = difflib.unified_diff(
        old, new, f"examples (committed)/{name}", f"fresh render/{name}", lineterm=""
    )
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(render_examples.EXAMPLES))
def test_example_matches_a_fresh_render(name: str, tmp_path: Path) -> None:
    folder = render_examples.EXAMPLES_DIR / name
    assert folder.is_dir(), f"examples/{name} is missing: run scripts/render_examples.py"
    fresh = render_examples.render(tmp_path / name, render_examples.EXAMPLES[name])
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
        "`uv run python scripts/render_examples.py`:\n" + "\n".join(problems)
    )


def test_examples_hold_no_git_repository() -> None:
    assert not list(render_examples.EXAMPLES_DIR.glob("*/.git"))
