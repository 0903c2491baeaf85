"""Fast tier: every combination renders clean, parseable, lint-clean files.

Each combination is rendered once per test session and shared by every check;
under pytest-xdist the workers share the renders through a file lock.
"""

from __future__ import annotations

import ast
import datetime
import fcntl
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from matrix import CONFIG, MATRIX, choices, combo_id
from matrix import render as render_working_tree

pytestmark = pytest.mark.filterwarnings("ignore::copier.errors.DirtyLocalWarning")

Answers = dict[str, Any]

# The questions Copier asks (and records); `when: false` entries are computed values.
QUESTIONS = [
    key
    for key, value in CONFIG.items()
    if not key.startswith("_") and isinstance(value, dict) and value.get("when") is not False
]
# The answers outside the matrix, at copier.yml's defaults unless a variant says otherwise.
DEFAULTS: Answers = {q: CONFIG[q]["default"] for q in ("python_version", "license", "ci_provider")}


def is_python(answers: Answers) -> bool:
    """copier.yml's computed `is_python` for these answers (python_version is asked then)."""
    rendered = jinja2.Template(CONFIG["is_python"]["default"]).render(answers)
    return rendered.strip() == "True" and eval(  # noqa: S307 - copier.yml's own one-line expression
        re.sub(r"\{\{\s*|\s*\}\}", "", str(CONFIG["is_python"]["default"])),
        {},
        {"framework": answers["framework"]},
    )


def _variants() -> dict[str, Answers]:
    """A few renders that also walk every python_version, license and CI choice."""
    versions, licenses, providers = (
        choices(q) for q in ("python_version", "license", "ci_provider")
    )
    variants = {}
    for i in range(max(len(versions), len(licenses), len(providers))):
        answers = {
            **MATRIX[(7 * i + 3) % len(MATRIX)],
            "python_version": versions[i % len(versions)],
            "license": licenses[i % len(licenses)],
            "ci_provider": providers[(i + 1) % len(providers)],
        }
        name = f"{combo_id(answers)}-py{answers['python_version']}"
        variants[f"{name}-{answers['license']}-ci-{answers['ci_provider']}"] = answers
    return variants


RENDERS: dict[str, Answers] = {
    **{combo_id(combo): {**DEFAULTS, **combo} for combo in MATRIX},
    **{name: {**DEFAULTS, **answers} for name, answers in _variants().items()},
}

# --- Rendering, once per combination and session ------------------------------------


@dataclass(frozen=True)
class Render:
    """One rendered project and the answers that made it."""

    path: Path
    answers: Answers

    def files(self) -> Iterator[Path]:
        """Every file of the project, its git folder and tool caches left out."""
        skip = {".git", ".ruff_cache", ".mypy_cache", ".pytest_cache", "__pycache__"}
        for root, dirs, names in os.walk(self.path):
            dirs[:] = sorted(d for d in dirs if d not in skip)
            for name in sorted(names):
                yield Path(root, name)

    def text_files(self) -> Iterator[tuple[Path, str]]:
        """(path, text) of every file that decodes as UTF-8."""
        for path in self.files():
            try:
                yield path, path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue

    def rel(self, path: Path) -> str:
        return path.relative_to(self.path).as_posix()


@pytest.fixture(scope="session")
def render_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder of renders shared by every xdist worker of this run."""
    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / "renders"
    root.mkdir(exist_ok=True)
    return root


def render_once(root: Path, name: str, answers: Answers) -> Path:
    """Render `answers` into root/name unless a worker already did; re-raise its failure."""
    dst, done, failed = root / name, root / f"{name}.done", root / f"{name}.failed"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists() and not failed.exists():
            try:
                render_working_tree(dst, answers, lock=False)  # one test below locks
            except Exception:
                failed.write_text(traceback.format_exc())
            else:
                done.touch()
    if failed.exists():
        pytest.fail(f"render {name} failed:\n{failed.read_text()}", pytrace=False)
    return dst


@pytest.fixture(
    scope="session",
    # Under `-n`, tests/conftest.py's scheduler keeps the checks of a matrix render on
    # one worker; the lock in render_once covers the other renders and distributions.
    params=list(RENDERS),
    ids=list(RENDERS),
)
def render(request: pytest.FixtureRequest, render_root: Path) -> Render:
    """The project rendered from one combination of answers."""
    answers = RENDERS[request.param]
    return Render(render_once(render_root, request.param, answers), answers)


def tool(name: str) -> str:
    """A command-line tool installed in this virtualenv (or on PATH)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found: run `uv sync` in the template repository")
    return found


def run(render: Render, *command: str) -> subprocess.CompletedProcess[str]:
    """Run a command in the project folder, with no tool settings leaking in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "COMPOSE_", "RUFF_")) and k not in {"VIRTUAL_ENV"}
    }
    return subprocess.run(
        command, cwd=render.path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (
        f"{' '.join(result.args)} exited {result.returncode}\n{result.stdout}{result.stderr}"
    )


# --- What a render of unchosen options must not contain ------------------------------

# Each marker (a regular expression, matched case-insensitively against a file's
# path and each of its lines) may appear only when the answers allow it. The
# answers file is left out: it names every answer.
OptionTest = Callable[[Answers], bool]


def _database(name: str) -> OptionTest:
    return lambda a: a["database"] == name


def _auth(name: str) -> OptionTest:
    return lambda a: a["auth"] == name


def _uses_users(a: Answers) -> bool:
    return a["auth"] != "none"


def _redis(a: Answers) -> bool:
    return bool(a["use_redis"])


def _ci(name: str) -> OptionTest:
    return lambda a: a["ci_provider"] == name


def _license(name: str) -> OptionTest:
    return lambda a: a["license"] == name


MARKERS: dict[str, tuple[str, OptionTest]] = {
    "asyncpg": ("database=postgresql", _database("postgresql")),
    "postgres": ("database=postgresql", _database("postgresql")),
    "pg_dump": ("database=postgresql", _database("postgresql")),
    "aiomysql": ("database=mysql", _database("mysql")),
    "mysql": ("database=mysql", _database("mysql")),
    "mariadb": ("database=mysql", _database("mysql")),
    # REDIS_URL is a setting of every service; the Redis server only comes with use_redis.
    "redis:7": ("use_redis=true", _redis),
    "redis-data": ("use_redis=true", _redis),
    "jwt": ("auth=jwt", _auth("jwt")),
    "refresh_token": ("auth=jwt", _auth("jwt")),
    "access_token": ("auth=jwt", _auth("jwt")),
    "bearer": ("auth=jwt", _auth("jwt")),
    "csrf": ("auth=session", _auth("session")),
    "session_ttl": ("auth=session", _auth("session")),
    "user_session": ("auth=session", _auth("session")),
    "argon2": ("auth=jwt or session", _uses_users),
    r"/auth\b": ("auth=jwt or session", _uses_users),
    "routes/auth": ("auth=jwt or session", _uses_users),
    "routes/users": ("auth=jwt or session", _uses_users),
    r"/users\b": ("auth=jwt or session", _uses_users),
    r"\b(test_)?(auth|users)(\.test)?\.(py|ts)\b": ("auth=jwt or session", _uses_users),
    "create[-_]admin": ("auth=jwt or session", _uses_users),
    # CurrentUser (FastAPI dependency), current_user (a function elsewhere), requireUser (Express).
    "current_?user|requireuser": ("auth=jwt or session", _uses_users),
    "admin_?user|requireadmin": ("auth=jwt or session", _uses_users),
    "actions/checkout": ("ci_provider=github", _ci("github")),
    "github actions": ("ci_provider=github", _ci("github")),
    r"\.github/": ("ci_provider=github", _ci("github")),
    "gitlab": ("ci_provider=gitlab", _ci("gitlab")),
    "apache license": ("license=Apache-2.0", _license("Apache-2.0")),
    "mit license": ("license=MIT", _license("MIT")),
    "bsd 3-clause": ("license=BSD-3-Clause", _license("BSD-3-Clause")),
    "all rights reserved": ("license=Proprietary", _license("Proprietary")),
}


def _marker_lines(render: Render) -> Iterator[tuple[str, int, str]]:
    """(file, line number, line) for every line and file path; line 0 is the path."""
    for path, text in render.text_files():
        rel = render.rel(path)
        if rel != ".copier-answers.yml":
            for number, line in enumerate([rel, *text.splitlines()]):
                yield rel, number, line


def test_no_marker_of_an_unchosen_option(render: Render) -> None:
    forbidden = {
        re.compile(marker, re.IGNORECASE): why
        for marker, (why, allowed) in MARKERS.items()
        if not allowed(render.answers)
    }
    found = [
        f"{rel}:{number}: {marker.pattern!r} needs {why}: {line.strip()[:120]}"
        for rel, number, line in _marker_lines(render)
        for marker, why in forbidden.items()
        if marker.search(line)
    ]
    assert not found, "\n".join(found)


def test_markers_of_the_chosen_options_appear(render: Render) -> None:
    """Keeps the table above honest: a marker that never matches guards nothing."""
    expected = {m for m, (_, allowed) in MARKERS.items() if allowed(render.answers)}
    seen = {
        marker
        for _, _, line in _marker_lines(render)
        for marker in expected
        if re.search(marker, line, re.IGNORECASE)
    }
    assert expected - seen == set()


# --- Checks every render passes ----------------------------------------------------

# Jinja left in the output; `${{ ... }}` is GitHub Actions' own expression syntax.
LEFTOVER = re.compile(r"\{\{|\{%|\{#|%\}|#\}")
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def test_no_leftover_template_syntax(render: Render) -> None:
    found = []
    for path in render.files():
        rel = render.rel(path)
        if path.suffix == ".jinja" or LEFTOVER.search(rel):
            found.append(f"{rel}: template file name")
    for path, text in render.text_files():
        rel = render.rel(path)
        for number, line in enumerate(text.splitlines(), start=1):
            if rel.startswith(".github/"):
                line = GITHUB_EXPRESSION.sub("", line)
            if LEFTOVER.search(line):
                found.append(f"{rel}:{number}: {line.strip()[:120]}")
    assert not found, "\n".join(found)


def test_text_files_are_tidy(render: Render) -> None:
    """What the project's own pre-commit hooks (end-of-file-fixer, trailing-whitespace) ask."""
    found = []
    for path, text in render.text_files():
        rel = render.rel(path)
        if text and (not text.endswith("\n") or text.endswith("\n\n")):
            found.append(f"{rel}: does not end with exactly one newline")
        found += [
            f"{rel}:{number}: trailing whitespace"
            for number, line in enumerate(text.splitlines(), start=1)
            if line != line.rstrip()
        ]
    assert not found, "\n".join(found)


def test_no_ci_expressions_outside_github_workflows(render: Render) -> None:
    found = [
        render.rel(path)
        for path, text in render.text_files()
        if "${{" in text and not render.rel(path).startswith(".github/workflows/")
    ]
    assert not found


def test_data_files_parse(render: Render) -> None:
    parsers: dict[str, Callable[[str], object]] = {
        ".yml": lambda text: list(yaml.safe_load_all(text)),
        ".yaml": lambda text: list(yaml.safe_load_all(text)),
        ".toml": tomllib.loads,
        ".json": json.loads,
    }
    checked = 0
    for path, text in render.text_files():
        parse = parsers.get(path.suffix)
        if parse is not None:
            try:
                parse(text)
            except Exception as exc:  # any parser's error, reported with the file
                pytest.fail(f"{render.rel(path)} does not parse: {exc}")
            checked += 1
    assert checked >= 4  # pyproject.toml, answers, compose, pre-commit config at least


def test_python_files_compile(render: Render) -> None:
    target = tuple(int(part) for part in render.answers["python_version"].split("."))
    if sys.version_info < target:
        # Newer syntax than this interpreter knows: ruff parses at the project's
        # target version and reports any syntax error, whatever rules are selected.
        assert_ok(run(render, tool("ruff"), "check", "--no-cache", "--select", "E9", "."))
        return
    for path, text in render.text_files():
        if path.suffix == ".py":
            try:
                ast.parse(text, filename=render.rel(path))
            except SyntaxError as exc:
                pytest.fail(f"{render.rel(path)}:{exc.lineno}: {exc.msg}")


def test_ruff_check_passes(render: Render) -> None:
    assert_ok(run(render, tool("ruff"), "check", "--no-cache", "."))


def test_ruff_format_check_passes(render: Render) -> None:
    assert_ok(run(render, tool("ruff"), "format", "--check", "--no-cache", "."))


def test_dockerfile_passes_hadolint(render: Render) -> None:
    assert_ok(run(render, tool("hadolint"), "--no-color", "Dockerfile"))
    dockerfile = (render.path / "Dockerfile").read_text()
    assert re.search(r"^USER \d+", dockerfile, re.MULTILINE), "runs as root"
    assert "HEALTHCHECK" in dockerfile
    assert re.search(r"^CMD \[", dockerfile, re.MULTILINE), "no exec-form CMD"
    if is_python(render.answers):
        version = render.answers["python_version"]
        assert dockerfile.count(f"FROM python:{version}-slim") == 2


def test_build_context_holds_what_the_dockerfile_copies(render: Render) -> None:
    """Each COPY source exists and is let through the .dockerignore allow-list."""
    allowed = {
        line[1:].strip("/")
        for line in (render.path / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    dockerfile = (render.path / "Dockerfile").read_text()
    for args in re.findall(r"^COPY (?!--from)(.+)$", dockerfile, re.MULTILINE):
        for source in args.split()[:-1]:
            assert source.rstrip("*") in allowed, f"COPY {source}: excluded by .dockerignore"
            # Lock files are written at render time, skipped by these renders.
            if source not in {"uv.lock", "package-lock.json"}:
                assert (render.path / source).exists(), f"COPY {source}: not in the project"


def test_compose_file_is_valid(render: Render) -> None:
    assert_ok(run(render, tool("docker-compose"), "config", "--quiet"))


def test_compose_runs_the_chosen_services_with_health_checks(render: Render) -> None:
    result = run(render, tool("docker-compose"), "config", "--format", "json")
    assert_ok(result)
    services = json.loads(result.stdout)["services"]
    database = render.answers["database"]
    expected = {"migrate", "app"}
    if database != "sqlite":
        expected.add("db")
        image = {"postgresql": "postgres:17", "mysql": "mariadb:11"}[database]
        assert services["db"]["image"] == image
    if render.answers["use_redis"]:
        expected.add("redis")
        assert services["redis"]["image"] == "redis:7"
        assert services["app"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert set(services) == expected
    for name in expected - {"migrate"}:
        assert "test" in services[name].get("healthcheck", {}), f"{name} has no health check"
    app = services["app"]
    assert app["environment"]["HOST"] == "0.0.0.0"  # noqa: S104 - inside the container
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name in expected - {"migrate", "app"}:
        assert app["depends_on"][name]["condition"] == "service_healthy"


def test_scripts_are_executable_and_pass_shellcheck(render: Render) -> None:
    scripts = sorted((render.path / "scripts").glob("*.sh"))
    assert [p.name for p in scripts] == ["backup.sh"]
    for script in scripts:
        assert script.stat().st_mode & stat.S_IXUSR, f"{render.rel(script)} is not executable"
        assert_ok(run(render, tool("shellcheck"), render.rel(script)))
    for path, text in render.text_files():
        if text.startswith("#!"):
            assert path.stat().st_mode & stat.S_IXUSR, f"{render.rel(path)} is not executable"


# The task names every rendered service shares (STANDARDS section 5).
TASKS = {
    "help", "install", "migrate", "downgrade", "run", "start", "test", "lint", "format",
    "openapi", "docker-build", "backup",
}  # fmt: skip


def test_makefile_has_the_shared_tasks(render: Render) -> None:
    makefile = (render.path / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    expected = TASKS | ({"admin", "purge"} if _uses_users(render.answers) else set())
    assert targets == expected
    phony = set(" ".join(re.findall(r"^\.PHONY:(.*)$", makefile, re.MULTILINE)).split())
    assert phony == expected
    listing = run(render, "make", "--no-print-directory")
    assert_ok(listing)
    assert {line.split()[0] for line in listing.stdout.splitlines() if line.strip()} == expected
    assert_ok(run(render, "make", "--dry-run", *sorted(expected - {"help"})))


# The database the CI test job runs against, and where each provider reaches it.
CI_DATABASE_URLS = {
    "postgresql": "postgresql://postgres:postgres@{host}:5432/app",
    "mysql": "mysql://root:root@{host}:3306/app",
}
CI_DATABASE_HOSTS = {
    ("github", "postgresql"): "localhost",
    ("github", "mysql"): "127.0.0.1",
    ("gitlab", "postgresql"): "postgres",
    ("gitlab", "mysql"): "mariadb",
}


def test_ci_config_matches_the_provider(render: Render) -> None:
    provider, database = render.answers["ci_provider"], render.answers["database"]
    github = render.path / ".github" / "workflows" / "ci.yml"
    gitlab = render.path / ".gitlab-ci.yml"
    assert github.exists() == (provider == "github")
    assert gitlab.exists() == (provider == "gitlab")
    assert not (render.path / ".github").exists() or provider == "github"
    assert (render.path / "renovate.json").exists() == (provider != "none")
    if provider == "none":
        return
    text = (github if provider == "github" else gitlab).read_text()
    python = is_python(render.answers)
    install, audit = ("uv sync --locked", "pip-audit") if python else ("npm ci", "npm audit")
    steps = (install, "make lint", "make test", audit, "hadolint Dockerfile")
    for step in (*steps, ".rej", "ENVIRONMENT: test"):
        assert step in text
    if python:
        assert render.answers["python_version"] in text
    if database == "sqlite":
        assert "DATABASE_URL" not in text
    else:
        host = CI_DATABASE_HOSTS[provider, database]
        assert f"DATABASE_URL: {CI_DATABASE_URLS[database].format(host=host)}" in text
    assert ("REDIS_URL: redis://" in text) == bool(render.answers["use_redis"])


# check-jsonschema's bundled (offline) schemas for the files CI services read.
SCHEMAS = {
    ".github/workflows/ci.yml": "vendor.github-workflows",
    ".gitlab-ci.yml": "vendor.gitlab-ci",
    "renovate.json": "vendor.renovate",
    "docker-compose.yml": "vendor.compose-spec",
}


def test_ci_and_compose_files_match_their_schemas(render: Render) -> None:
    for relpath, schema in SCHEMAS.items():
        if (render.path / relpath).exists():
            assert_ok(run(render, tool("check-jsonschema"), "--builtin-schema", schema, relpath))


LICENSE_HEADLINES = {
    "MIT": "MIT License",
    "Apache-2.0": "Apache License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Proprietary": "All rights reserved.",
}


def test_license_matches_the_choice(render: Render) -> None:
    license_ = render.answers["license"]
    text = (render.path / "LICENSE").read_text()
    assert LICENSE_HEADLINES[license_] in text
    year = str(datetime.datetime.now(tz=datetime.UTC).year)
    notice = render.path / "NOTICE"
    assert notice.exists() == (license_ == "Apache-2.0")
    holder_text = notice.read_text() if notice.exists() else text
    assert year in holder_text
    assert CONFIG["author_name"]["default"] in holder_text
    assert text.endswith("\n")
    assert not text.endswith("\n\n")


def test_answers_file_records_the_answers(render: Render) -> None:
    recorded = yaml.safe_load((render.path / ".copier-answers.yml").read_text())
    assert recorded["_src_path"]
    # python_version is asked (and recorded) only for a Python framework.
    unasked = set() if is_python(render.answers) else {"python_version"}
    for question, value in render.answers.items():
        if question in unasked:
            assert question not in recorded, question
        else:
            assert recorded[question] == value, question
    assert set(QUESTIONS) - unasked <= set(recorded)
    computed = {k for k, v in CONFIG.items() if isinstance(v, dict) and v.get("when") is False}
    assert not computed & set(recorded), "computed values are stored"


def _dotenv(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs if not key.startswith("#")}


def test_a_render_commits_its_lock_and_gets_a_random_development_secret(tmp_path: Path) -> None:
    """The first commit holds uv.lock, in step with pyproject.toml (the registry is needed);
    each render's .env opts into development with a random SECRET_KEY of its own, while
    .env.example keeps the placeholder that production refuses."""
    locked = render_working_tree(tmp_path / "locked", dict(DEFAULTS))
    other = render_working_tree(tmp_path / "other", dict(DEFAULTS), lock=False)
    tracked = subprocess.run(
        ["git", "ls-files", "--error-unmatch", "uv.lock"], cwd=locked, capture_output=True
    )
    assert tracked.returncode == 0, "uv.lock is not in the first commit"
    assert_ok(run(Render(locked, DEFAULTS), "uv", "lock", "--check"))
    secrets = [_dotenv(project / ".env")["SECRET_KEY"] for project in (locked, other)]
    assert all(re.fullmatch("[0-9a-f]{64}", secret) for secret in secrets), secrets
    assert secrets[0] != secrets[1]
    assert _dotenv(locked / ".env")["ENVIRONMENT"] == "development"
    example = _dotenv(locked / ".env.example")
    assert example["ENVIRONMENT"] == "production"
    assert example["SECRET_KEY"] not in secrets
