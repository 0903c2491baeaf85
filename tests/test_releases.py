"""Releases: every one has a CHANGELOG entry, and what it shipped stays valid.

A project's database has run the migrations of the release that rendered it, so a
released migration file never changes: the template adds new ones instead.
"""

from __future__ import annotations

import re

import pytest
from matrix import TEMPLATE_ROOT
from packaging.version import InvalidVersion, Version
from template_repo import git, releases

HEADING = re.compile(r"^## (.+?)(?: \((\d{4}-\d{2}-\d{2})\))?$", re.M)
# Releases after this one record the full-matrix run (`make test-full`) that cleared
# them, as pytest's summary: "Full matrix: 3225 passed, 40 skipped in 3733.52s (1:02:13)".
FULL_MATRIX_SINCE = Version("0.2.0")
FULL_MATRIX_RUN = re.compile(
    r"^Full matrix: (?:\d+ (?:passed|skipped|deselected|xfailed|xpassed|warnings?), )*"
    r"\d+ (?:passed|skipped|deselected|xfailed|xpassed|warnings?) in \d+(?:\.\d+)?s\b",
    re.M,
)


def changelog_entries() -> dict[str, str]:
    """CHANGELOG.md's sections: heading title -> body."""
    text = (TEMPLATE_ROOT / "CHANGELOG.md").read_text()
    headings = list(HEADING.finditer(text))
    ends = [match.start() for match in headings[1:]] + [len(text)]
    return {
        match.group(1): text[match.end() : end] for match, end in zip(headings, ends, strict=True)
    }


def test_changelog_versions_are_pep440_and_newest_first() -> None:
    titles = [title for title in changelog_entries() if title != "Unreleased"]
    assert titles, "CHANGELOG.md has no release"
    try:
        versions = [Version(title) for title in titles]
    except InvalidVersion as exc:
        pytest.fail(f"CHANGELOG heading is not a PEP 440 version: {exc}")
    assert versions == sorted(versions, reverse=True)
    assert all(title == str(version) for title, version in zip(titles, versions, strict=True))


def test_every_entry_says_whether_an_update_needs_action() -> None:
    missing = [
        title for title, body in changelog_entries().items() if "Action on update:" not in body
    ]
    assert missing == []


def test_every_release_has_a_changelog_entry() -> None:
    entries = changelog_entries()
    assert [str(version) for version in releases() if str(version) not in entries] == []


@pytest.mark.parametrize("version", list(releases()), ids=str)
def test_released_migrations_never_change(version: Version) -> None:
    commit = releases()[version]
    listed = git(TEMPLATE_ROOT, "ls-tree", "-r", "--name-only", commit, "template")
    migrations = [path for path in listed.split() if "/migrations/versions/" in path]
    assert migrations, f"release {version} shipped no migration?"
    changed = [
        path
        for path in migrations
        if not (TEMPLATE_ROOT / path).is_file()
        or git(TEMPLATE_ROOT, "show", f"{commit}:{path}") != (TEMPLATE_ROOT / path).read_text()
    ]
    assert changed == [], "released migrations were edited or removed; add a new one instead"


def records_a_passing_full_matrix_run(body: str) -> bool:
    """The entry gives the counts and time of a full-matrix run with nothing failed."""
    found = FULL_MATRIX_RUN.search(body)
    return found is not None and " passed" in found.group(0)


@pytest.mark.parametrize(
    ("line", "recorded"),
    [
        ("Full matrix: 3225 passed, 40 skipped in 3733.52s (1:02:13), 2 cores.", True),
        ("Full matrix: 1614 passed in 912.10s (0:15:12)", True),
        ("Full matrix: 3200 passed, 25 failed in 3733.52s (1:02:13)", False),
        ("Full matrix: 3224 passed, 1 error in 3733.52s", False),
        ("Full matrix: passed on 2 cores", False),
        ("Full matrix: 40 skipped in 12.00s", False),
        ("The full matrix passed.", False),
    ],
)
def test_a_full_matrix_run_is_recognised(line: str, recorded: bool) -> None:
    assert records_a_passing_full_matrix_run(f"### Added\n- x\n\n{line}\n") is recorded


def test_every_release_after_0_2_0_records_its_full_matrix_run() -> None:
    """docs/updating.md, Releasing: `make test-full` passes before the tag, and the entry
    says so with pytest's counts and time."""
    missing = [
        title
        for title, body in changelog_entries().items()
        if title != "Unreleased"
        and Version(title) > FULL_MATRIX_SINCE
        and not records_a_passing_full_matrix_run(body)
    ]
    assert missing == [], (
        "add the `make test-full` summary to these entries, e.g. "
        "'Full matrix: 3225 passed, 40 skipped in 3733.52s (1:02:13)'"
    )
