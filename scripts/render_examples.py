"""Regenerate examples/: each framework's default render, in examples/<framework>/.

    uv run python scripts/render_examples.py            # every framework
    uv run python scripts/render_examples.py fastapi    # only these

tests/test_examples.py re-renders each example and fails when its folder has
drifted from the template; run this script, review the diff and commit it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from matrix import TEMPLATE_ROOT, choices  # noqa: E402
from matrix import render as render_template  # noqa: E402

EXAMPLES_DIR = TEMPLATE_ROOT / "examples"

# Example name -> answers given on top of copier.yml's defaults: one per framework.
EXAMPLES: dict[str, dict[str, Any]] = {
    framework: {"framework": framework} for framework in choices("framework")
}

ANSWERS_FILE = ".copier-answers.yml"
# Lines that change with the template's commit or checkout path, not its content.
VOLATILE_ANSWERS = re.compile(r"^_(commit|src_path):.*\n", re.MULTILINE)
# The copyright year follows the calendar, not the template.
COPYRIGHT_YEAR = re.compile(r"^(Copyright (?:\(c\) )?)\d{4}\b", re.MULTILINE)

# Relative path -> (normalised content, executable?)
Snapshot = dict[str, tuple[bytes, bool]]


def _git_files(repo: Path, *args: str) -> list[str] | None:
    """Files git lists in repo (None when git or the repository is missing)."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", *args],
            cwd=repo,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted(name for name in result.stdout.decode().split("\0") if name)


def _walk(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    )


def project_files(project: Path) -> list[str]:
    """The files a rendered project commits (its first commit is made by hooks/post_copy.py)."""
    tracked = _git_files(project)
    return tracked if tracked else _walk(project)


def example_files(folder: Path) -> list[str]:
    """The files of an example that git would commit (tracked, or new and not ignored)."""
    listed = _git_files(folder, "--cached", "--others", "--exclude-standard", "--", ".")
    if listed is None:
        return _walk(folder)
    return [name for name in listed if (folder / name).is_file()]


def normalise(relpath: str, content: bytes) -> bytes:
    """Content with the parts that vary between identical renders masked."""
    if relpath == ANSWERS_FILE:
        return VOLATILE_ANSWERS.sub("", content.decode()).encode()
    if relpath in {"LICENSE", "NOTICE"}:
        return COPYRIGHT_YEAR.sub(r"\g<1>YYYY", content.decode()).encode()
    return content


def snapshot(folder: Path, files: list[str]) -> Snapshot:
    """Normalised content and executable bit of each file."""
    return {
        name: (
            normalise(name, (folder / name).read_bytes()),
            bool((folder / name).stat().st_mode & 0o100),
        )
        for name in files
    }


def render(dst: Path, answers: dict[str, Any]) -> Path:
    """A render without uv.lock: the lock follows the registry, so it would drift daily."""
    return render_template(dst, answers, lock=False)


def write_example(name: str, answers: dict[str, Any]) -> Path:
    """Replace examples/<name> with the files a fresh render commits."""
    target = EXAMPLES_DIR / name
    with tempfile.TemporaryDirectory() as scratch:
        project = render(Path(scratch) / name, answers)
        if target.exists():
            shutil.rmtree(target)
        for relpath in project_files(project):
            destination = target / relpath
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project / relpath, destination)
    return target


def main() -> int:
    names = sys.argv[1:] or list(EXAMPLES)
    unknown = sorted(set(names) - EXAMPLES.keys())
    if unknown:
        print(f"no such example: {', '.join(unknown)} (known: {', '.join(EXAMPLES)})")
        return 2
    for name in names:
        target = write_example(name, EXAMPLES[name])
        print(f"rendered {target.relative_to(TEMPLATE_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
