"""Temporary git copies of the template, with tagged releases, for update tests.

A test takes the template as it is now (working tree, uncommitted edits included)
as release OLD, changes it as a maintainer would, tags NEW, and runs Copier's
command line against it, as a team's `copier update` would. No network: the
template is a local repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from matrix import TEMPLATE_ROOT
from packaging.version import Version

OLD, NEW = "v1.0.0", "v1.1.0"
# Projects rendered by this release or later update to the current one without manual
# steps (docs/updating.md says so; a test proves it).
OLDEST_SUPPORTED = "v0.1.0"
# What a render needs; the template's own tests, examples and scripts stay out.
TEMPLATE_PARTS = ("copier.yml", "template", "includes", "hooks")
CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")
IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in `cwd` with a fixed identity; its stdout."""
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **IDENTITY},
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{result.stderr}")
    return result.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", message)


def working_tree_files(root: Path) -> list[str]:
    """Tracked and untracked-but-not-ignored files of the repo at `root`."""
    listed = git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    return [path for path in listed.split("\0") if path and (root / path).is_file()]


class TemplateRepo:
    """A git copy of the template that tests change and tag."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def from_working_tree(cls, path: Path, tag: str = OLD) -> TemplateRepo:
        """The current template as the first release of a fresh repository."""
        _copy_working_tree(path)
        git(path, "init", "--quiet", "--initial-branch=main")
        repo = cls(path)
        repo.release(tag, "first release")
        return repo

    @classmethod
    def from_history(cls, path: Path) -> tuple[TemplateRepo, str]:
        """A clone of the template's history, with the current tree as a new release.

        Returns the repository and the new release's tag (one minor above the newest).
        """
        git(path.parent, "clone", "--quiet", str(TEMPLATE_ROOT), str(path))
        known = releases(path)
        for version, commit in known.items():  # a clone without tags: tag here
            git(path, "tag", "--force", f"v{version}", commit)
        newest = max(known)
        tag = f"v{newest.major}.{newest.minor + 1}.0"
        for part in TEMPLATE_PARTS:
            git(path, "rm", "-r", "--quiet", part)
        _copy_working_tree(path)
        repo = cls(path)
        repo.release(tag, "this tree")
        return repo, tag

    def replace(self, relpath: str, old: str, new: str) -> None:
        replace_in(self.path, relpath, old, new)

    def write(self, relpath: str, text: str) -> None:
        write_file(self.path, relpath, text)

    def move(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        git(self.path, "mv", old, new)

    def add_migrations(self, *migrations: Mapping[str, Any]) -> None:
        """Append entries to copier.yml's `_migrations`."""
        config = self.path / "copier.yml"
        text = config.read_text()
        entries = yaml.safe_dump(list(migrations), sort_keys=False)
        indented = "".join(f"  {line}" for line in entries.splitlines(keepends=True))
        assert "_migrations: []\n" in text, "copier.yml should declare `_migrations: []`"
        config.write_text(text.replace("_migrations: []\n", f"_migrations:\n{indented}"))

    def release(self, tag: str, message: str) -> None:
        commit_all(self.path, message)
        git(self.path, "tag", tag)


def replace_in(root: Path, relpath: str, old: str, new: str) -> None:
    """Replace the first `old` (which must be there) by `new` in one file under `root`."""
    file = root / relpath
    text = file.read_text()
    assert old in text, f"{old!r} not in {relpath}"
    file.write_text(text.replace(old, new, 1))


def write_file(root: Path, relpath: str, text: str) -> None:
    file = root / relpath
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)


def releases(repo: Path = TEMPLATE_ROOT) -> dict[Version, str]:
    """Every release in `repo`'s history, oldest first: version -> commit.

    Tags `vX.Y.Z` are the releases; a clone made without tags still has their
    "Release X.Y.Z" commits, so those count too.
    """
    found: dict[Version, str] = {}
    log = git(repo, "log", "--reverse", "--format=%H %s", "--grep=^Release [0-9]")
    for line in log.splitlines():
        commit, _, subject = line.partition(" ")
        found[Version(subject.removeprefix("Release "))] = commit
    for tag in git(repo, "tag", "--list", "v*").split():
        found[Version(tag)] = git(repo, "rev-list", "-n", "1", tag).strip()
    assert Version(OLDEST_SUPPORTED) in found, (
        f"release {OLDEST_SUPPORTED} is not in {repo}'s history (a shallow clone?)"
    )
    return dict(sorted(found.items()))


def _copy_working_tree(path: Path) -> None:
    """The template's files (working tree, uncommitted edits included) into `path`."""
    for relpath in working_tree_files(TEMPLATE_ROOT):
        if relpath.split("/", 1)[0] in TEMPLATE_PARTS:
            target = path / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE_ROOT / relpath, target)


def copier(
    cwd: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Copier's command line, as a user types it; never fails by itself."""
    return subprocess.run(
        [sys.executable, "-m", "copier", *args],
        cwd=cwd,
        # No post-copy `uv lock`: it follows the registry, and an update never runs it.
        env={**os.environ, **IDENTITY, "COPIER_BACKEND_SKIP_LOCK": "1", **(env or {})},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=300,
    )


def data_args(answers: Mapping[str, Any]) -> list[str]:
    """`--data key=value` pairs for Copier's command line."""
    pairs = [
        f"{key}={str(value).lower() if isinstance(value, bool) else value}"
        for key, value in answers.items()
    ]
    return [arg for pair in pairs for arg in ("--data", pair)]


def render_at(template: Path, ref: str, dst: Path, **answers: Any) -> Path:
    """`copier copy` of release `ref` into `dst`: answers recorded, first commit made."""
    result = copier(
        dst.parent,
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref",
        ref,
        *data_args(answers),
        str(template),
        str(dst),
    )
    assert result.returncode == 0, result.stderr
    return dst


def update(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`copier update --trust --defaults` in `project`; the result, not checked."""
    return copier(project, "update", "--trust", "--defaults", *args)


def update_ok(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = update(project, *args)
    assert result.returncode == 0, f"copier update failed:\n{result.stdout}\n{result.stderr}"
    return result


def changed_files(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> set[str]:
    """Paths added, removed or changed between two `project_files` snapshots."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def project_files(project: Path) -> dict[str, bytes]:
    """Every file of a project that git would see (the ignored `.env` and `.venv` not)."""
    return {relpath: (project / relpath).read_bytes() for relpath in working_tree_files(project)}


def conflicted(project: Path) -> Iterator[str]:
    """Files holding conflict markers, `.rej` files, and paths git lists as unmerged."""
    for relpath, content in project_files(project).items():
        markers = any(line.startswith(CONFLICT_MARKERS) for line in _lines(content))
        if markers or relpath.endswith(".rej"):
            yield relpath
    yield from (line.split("\t", 1)[1] for line in git(project, "ls-files", "-u").splitlines())


def _lines(content: bytes) -> list[str]:
    return content.decode(errors="replace").splitlines()


def answers_of(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())
