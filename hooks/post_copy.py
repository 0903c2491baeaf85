"""After the first render: lock the dependencies, then make one git commit.

`uv lock` pins every dependency in uv.lock, so every install (CI, the image)
gets the same versions; it needs the package registry, and when that or uv is
missing, the project's first `make install` writes the lock instead.
`copier update` needs a clean git tree to compute the three-way merge, so the
rendered project starts life committed. Runs only on `copier copy`.
`COPIER_BACKEND_SKIP_LOCK=1` skips the lock (the template's own fast tests).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

LOCK_TIMEOUT_SECONDS = 300

# A fallback identity for machines without git config; a real one wins.
IDENTITY = [
    "-c",
    "user.name=copier-backend",
    "-c",
    "user.email=copier-backend@localhost",
]


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def lock() -> None:
    """Write uv.lock for a project with a pyproject.toml, or say why not."""
    if not Path("pyproject.toml").exists() or os.environ.get("COPIER_BACKEND_SKIP_LOCK") == "1":
        return
    later = "`make install` will write uv.lock: commit it."
    uv = shutil.which("uv")
    if uv is None:
        print(f"uv not found: no lock file yet; {later}")
        return
    try:
        result = subprocess.run(
            [uv, "lock", "--quiet"],
            capture_output=True,
            text=True,
            check=False,
            timeout=LOCK_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        print(f"`uv lock` took over {LOCK_TIMEOUT_SECONDS}s: no lock file yet; {later}")
        return
    if result.returncode != 0:
        print(f"`uv lock` failed (is the package registry reachable?); {later}")
        print(result.stderr.strip(), file=sys.stderr)


def npm_lock() -> None:
    """Write package-lock.json for a project with a package.json, or say why not."""
    if not Path("package.json").exists() or os.environ.get("COPIER_BACKEND_SKIP_LOCK") == "1":
        return
    later = "`make install` will write package-lock.json: commit it."
    npm = shutil.which("npm")
    if npm is None:
        print(f"npm not found: no lock file yet; {later}")
        return
    command = [npm, "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=LOCK_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        print(f"`npm install` took over {LOCK_TIMEOUT_SECONDS}s: no lock file yet; {later}")
        return
    if result.returncode != 0:
        print(f"`npm install --package-lock-only` failed (is the registry reachable?); {later}")
        print(result.stderr.strip(), file=sys.stderr)


def main() -> int:
    lock()
    npm_lock()
    if git("--version").returncode != 0:
        print("git not found: skipping `git init` (needed later for `copier update`).")
        return 0
    if not Path(".git").exists():
        git("init", "--quiet", "--initial-branch=main")
    git("add", "--all")
    if git("diff", "--cached", "--quiet").returncode == 0:
        return 0  # nothing to commit (a re-run)
    has_identity = git("config", "user.email").returncode == 0
    commit = ["commit", "--quiet", "--no-verify", "-m", "Initial commit from copier-backend"]
    result = git(*([] if has_identity else IDENTITY), *commit)
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
