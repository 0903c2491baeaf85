"""After the first render: make the project a git repository with one commit.

`copier update` needs a clean git tree to compute the three-way merge, so the
rendered project starts life committed. Runs only on `copier copy`, offline.
"""

import subprocess
import sys
from pathlib import Path

# A fallback identity for machines without git config; a real one wins.
IDENTITY = [
    "-c",
    "user.name=copier-backend",
    "-c",
    "user.email=copier-backend@localhost",
]


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def main() -> int:
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
