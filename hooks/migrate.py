"""Steps `_migrations` in copier.yml run, so an old project updates without manual work.

    rename-answer OLD NEW   (stage "before") a renamed question keeps the user's answer
    move OLD NEW            (stage "after")  a file the template moved keeps the user's edits

Copier runs these in the project folder with STAGE, VERSION_FROM and VERSION_TO in
the environment. Each step does nothing when there is nothing to do, so a re-run is safe.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ANSWERS_FILE = Path(".copier-answers.yml")
TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
# Copier's own labels for the two sides of an inline conflict.
USER_LABEL, TEMPLATE_LABEL = "before updating", "after updating"
MAX_CONFLICTS = 127  # git merge-file exits with the conflict count, capped; below 0 on error


def rename_answer(old: str, new: str) -> None:
    """Store the answer to question `old` under its new name `new`."""
    text = ANSWERS_FILE.read_text()
    answers = yaml.safe_load(text)
    if old not in answers or new in answers:
        return
    answers[new] = answers.pop(old)
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    ANSWERS_FILE.write_text(header + yaml.safe_dump(answers, sort_keys=True))
    print(f"answer {old!r} is now {new!r}", file=sys.stderr)


def move(old: str, new: str) -> None:
    """Carry the user's edits of `old` over to the template's file at `new`.

    Copier deletes `old` because the new template no longer has it, edits or not. The
    user's version is safe in HEAD (update needs a clean tree); the template's old
    version comes from rendering the previous release. A three-way merge then puts the
    user's changes into `new`, with inline conflict markers where both sides changed
    (whatever `--conflict` says).
    """
    ours = _git("show", f"HEAD:./{old}", check=False)
    if ours.returncode != 0:
        return  # the project never had it, or the user deleted it: nothing to carry
    base = _previous_release_file(old)
    if base is None:
        return  # not the template's file for these answers: the user's own, left alone
    if ours.stdout == base:
        return  # the user never edited it: the template's file is all there is
    target = Path(new)
    theirs = target.read_bytes() if target.exists() else base
    with tempfile.TemporaryDirectory() as scratch:
        sides = {name: Path(scratch, name) for name in ("user", "base", "template")}
        for name, content in zip(sides, (ours.stdout, base, theirs), strict=True):
            sides[name].write_bytes(content)
        labels = ["-L", USER_LABEL, "-L", "base", "-L", TEMPLATE_LABEL]
        merged = subprocess.run(
            ["git", "merge-file", "--stdout", *labels, *map(str, sides.values())],
            capture_output=True,
            check=False,
        )
    if 0 <= merged.returncode <= MAX_CONFLICTS:
        content = merged.stdout
        if merged.returncode:
            print(
                f"{new}: your edits of {old} conflict with the template's; resolve the markers",
                file=sys.stderr,
            )
    else:  # binary content cannot be merged: keep the user's version, and say so
        content = ours.stdout
        print(f"{new}: kept your version of {old}; compare it with the template's", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    if _git("ls-tree", "HEAD", f"./{old}").stdout.startswith(b"100755"):
        target.chmod(target.stat().st_mode | 0o111)
    Path(old).unlink(missing_ok=True)
    Path(f"{old}.rej").unlink(missing_ok=True)  # `--conflict rej`: the hunk is merged above


def _previous_release_file(path: str) -> bytes | None:
    """`path` as the release this project was on rendered it for these answers, if it did."""
    from copier import run_copy  # Copier's own interpreter runs this script

    answers = yaml.safe_load(_git("show", f"HEAD:./{ANSWERS_FILE}").stdout)
    with tempfile.TemporaryDirectory() as scratch:
        run_copy(
            str(TEMPLATE_ROOT),  # Copier's clone of the template, every release in it
            scratch,
            data={key: value for key, value in answers.items() if not key.startswith("_")},
            vcs_ref=os.environ["VERSION_FROM"],
            defaults=True,
            quiet=True,
            skip_tasks=True,
            unsafe=True,
        )
        rendered = Path(scratch, path)
        return rendered.read_bytes() if rendered.is_file() else None


def _git(*args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    # Paths as `HEAD:./path` are relative to this folder, as Copier runs us in the project
    # (which may sit in a subfolder of its repository).
    return subprocess.run(["git", *args], capture_output=True, check=check)


STEPS = {"rename-answer": rename_answer, "move": move}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in STEPS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(STEPS)}}} OLD NEW")
    STEPS[sys.argv[1]](sys.argv[2], sys.argv[3])
