"""Deep-tier fixtures: one rendered, installed and running service per combination.

`built_project` renders and installs a combination once per session;
`service` migrates a fresh database, creates the admin and keeps the server
running while the contract suite (tests/contract/) talks to it over HTTP.
Both are parametrized by combination id, so pytest runs each combination's
items together, and `pytest -n 2` sends each combination to one worker.

Which combinations: `--matrix=covering` (the default) runs the deep, contract,
fuzz and update tiers on matrix.COVERING, where every pair of values of any two
axes meets and every framework's default combination is in; `--matrix=full`
(`make test-full`, before a release) runs them on every combination.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
import pytest
from matrix import MATRIX, SELECTIONS, combo_id, default_combinations, frameworks_with

COMBOS: dict[str, dict[str, Any]] = {combo_id(combo): combo for combo in MATRIX}
ALLOWED_ORIGIN = "https://app.example.com"

# One npm cache for every rendered install of a run (as .ci/run and the Makefile set it).
os.environ.setdefault("npm_config_cache", str(Path.home() / ".cache/copier-backend/npm"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--matrix",
        choices=sorted(SELECTIONS),
        default="covering",
        help="combinations for the deep, contract, fuzz and update tiers: covering (every "
        "pair of answers, each framework's defaults; the default) or full (every one)",
    )


def selected_combos(config: pytest.Config) -> list[dict[str, Any]]:
    """The combinations `--matrix` selects for the tiers that build or update a service."""
    return SELECTIONS[config.getoption("matrix")]


def default_combo_ids() -> list[str]:
    """Per framework, the combination that copier.yml's default answers give."""
    return [combo_id(combo) for combo in default_combinations()]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "default_combo: run once per framework, on the default answers only"
    )
    config.addinivalue_line(
        "markers", "combos(**answers): run only on the combinations with these answers"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give every test that needs a built project its combinations."""
    if "built_project" not in metafunc.fixturenames:
        return
    ids = [combo_id(combo) for combo in selected_combos(metafunc.config)]
    if metafunc.definition.get_closest_marker("default_combo"):
        ids = default_combo_ids()
    only = metafunc.definition.get_closest_marker("combos")
    if only is not None:
        ids = [cid for cid in ids if all(COMBOS[cid][k] == v for k, v in only.kwargs.items())]
        left_out = frameworks_with(only.kwargs, MATRIX) - frameworks_with(
            only.kwargs, [COMBOS[cid] for cid in ids]
        )
        if left_out:
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid}: no selected combination of {sorted(left_out)} "
                f"has {only.kwargs}; mark it with fewer answers (every pair of answers "
                "is in the covering set, three are not)"
            )
    modes = metafunc.definition.get_closest_marker("auth_modes")
    if modes is not None:
        ids = [cid for cid in ids if COMBOS[cid]["auth"] in modes.args]
    metafunc.parametrize("built_project", ids, indirect=True, ids=ids, scope="session")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every item that needs a built project is deep, whatever module it is in."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "built_project" in callspec.params:
            item.add_marker(pytest.mark.deep)


# The combination id inside a test id: `test_x[fastapi-sqlite-jwt-memory-extra]`.
_COMBO_IN_NODEID = re.compile(
    r"\[(" + "|".join(re.escape(cid) for cid in sorted(COMBOS, key=len, reverse=True)) + r")[-\]]"
)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `-n N` (`--dist load` or `loadgroup`), send each combination to one worker.

    A combination's render, install and running service are session fixtures, so
    splitting its items over two workers would build and start it twice.
    (`xdist_group` marks cannot do this: pytest 9.2's structured node ids break
    xdist 3.8's loadgroup, pytest-dev/pytest-xdist#1386.)
    """
    if config.getvalue("dist") not in {"load", "loadgroup"}:
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByCombination(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            match = _COMBO_IN_NODEID.search(nodeid)
            return match.group(1) if match else nodeid

    return ByCombination(config, log)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Attach the server's log to a failed test that talked to it."""
    report = yield
    service = getattr(item, "funcargs", {}).get("service")
    if report.failed and isinstance(service, Service):
        report.sections.append(("server log (tail)", harness.tail(service.log(), 60)))
    return report


@dataclass
class BuiltProject:
    """A rendered project whose dependencies are installed."""

    id: str
    combo: dict[str, Any]
    project_dir: Path

    @property
    def auth(self) -> str:
        return str(self.combo["auth"])

    @property
    def database(self) -> str:
        return str(self.combo["database"])

    def env(self, **settings: str) -> dict[str, str]:
        """A clean environment for this project's make targets."""
        return harness.clean_env(self.project_dir, **settings)

    def backing_services(
        self, stack: contextlib.ExitStack, label: str, *, redis: bool = False
    ) -> dict[str, str]:
        """A fresh database of the combination's kind, a Redis database when it uses Redis
        (or `redis`), both held by `stack`, and a new SECRET_KEY: as settings."""
        db = stack.enter_context(
            harness.fresh_database(self.database, f"{label}-{self.id}", self.project_dir)
        )
        settings = {"SECRET_KEY": harness.secret_key(), "DATABASE_URL": db.url}
        if redis or self.combo["use_redis"]:
            settings["REDIS_URL"] = stack.enter_context(harness.redis_database())
        return settings


@dataclass(frozen=True)
class Service:
    """A running service, as the contract suite sees it."""

    base_url: str
    combo: dict[str, Any]
    project_dir: Path
    admin_email: str
    admin_password: str
    secret_key: str
    cors_origin: str
    max_body_bytes: int
    server: harness.Server

    @property
    def auth(self) -> str:
        return str(self.combo["auth"])

    def log(self) -> str:
        """What the server has printed so far."""
        return self.server.log()


@pytest.fixture(scope="session")
def built_project(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> BuiltProject:
    """Render one combination and `make install` it (once per session)."""
    cid: str = request.param
    combo = COMBOS[cid]
    harness.require(combo["database"])
    if combo["use_redis"]:
        harness.require("redis")
    project_dir = harness.render(tmp_path_factory.mktemp(cid) / "project", combo)
    # The render's .env holds development values; without it the service runs on its
    # code defaults plus what each test passes, so the defaults are what gets checked.
    (project_dir / ".env").unlink()
    project = BuiltProject(cid, combo, project_dir)
    harness.make_ok(project_dir, "install", project.env())
    return project


@contextlib.contextmanager
def start_service(project: BuiltProject, label: str, **overrides: str) -> Iterator[Service]:
    """The combination's server on a fresh migrated database of its own, with an admin
    user; `overrides` change its settings (environment variables)."""
    with contextlib.ExitStack() as stack:
        settings = {
            "ENVIRONMENT": "development",
            **project.backing_services(stack, label),
            "CORS_ORIGINS": ALLOWED_ORIGIN,
            "RATE_LIMIT_ENABLED": "true",
            "LOG_LEVEL": "info",
            **overrides,
        }
        env = project.env(**settings)
        harness.make_ok(project.project_dir, "migrate", env)
        admin_email = f"admin-{secrets.token_hex(4)}@example.com"
        admin_password = secrets.token_urlsafe(18)
        if project.auth != "none":
            admin_env = {**env, "ADMIN_EMAIL": admin_email, "ADMIN_PASSWORD": admin_password}
            harness.make_ok(project.project_dir, "admin", admin_env)
        server = harness.Server(project.project_dir, env)
        stack.enter_context(server)
        server.wait_until("/health/ready")
        yield Service(
            base_url=server.base_url,
            combo=project.combo,
            project_dir=project.project_dir,
            admin_email=admin_email,
            admin_password=admin_password,
            secret_key=settings["SECRET_KEY"],
            cors_origin=ALLOWED_ORIGIN,
            max_body_bytes=1_048_576,
            server=server,
        )
        # Whatever the tests sent, no request may have crashed into a stack trace.
        assert "Traceback" not in server.log(), harness.tail(server.log(), 80)
        assert server.stop(), f"`make start` left processes behind in {project.project_dir}"


@pytest.fixture(scope="session")
def service(built_project: BuiltProject) -> Iterator[Service]:
    """The combination's server, on a fresh migrated database, with an admin user."""
    with start_service(built_project, "svc") as running:
        yield running


@pytest.fixture
def fuzzed_service(built_project: BuiltProject) -> Iterator[Service]:
    """A server of its own for the fuzzer, rate limits out of its reach (still counting)."""
    out_of_reach = "1000000/minute"
    with start_service(
        built_project, "fuzz", RATE_LIMIT_AUTH=out_of_reach, RATE_LIMIT_DEFAULT=out_of_reach
    ) as running:
        yield running
