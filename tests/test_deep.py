"""The deep tier: each combination rendered, installed, migrated, linted, tested and run.

Each selected combination (`--matrix`, see conftest.py): the render and `make install` happen once;
each test here owns a fresh database. The running-service checks are the
contract suite in tests/contract/, which runs against the same render.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

import harness
import httpx
import pytest
from contract.api import ApiClient, expect_error, fake_ip, new_email

if TYPE_CHECKING:
    from conftest import BuiltProject

pytestmark = pytest.mark.deep


def domain_tables(tables: set[str]) -> set[str]:
    """The tables that are not a migration tool's own bookkeeping."""
    return tables - harness.MIGRATION_BOOKKEEPING


def test_migrations_upgrade_downgrade_and_upgrade_again(built_project: BuiltProject) -> None:
    """`make migrate`, `make downgrade`, `make migrate` on an empty database all work."""
    project = built_project
    with harness.fresh_database(project.database, f"mig-{project.id}", project.project_dir) as db:
        env = project.env(ENVIRONMENT="test", SECRET_KEY=harness.secret_key(), DATABASE_URL=db.url)
        harness.make_ok(project.project_dir, "migrate", env)
        upgraded = db.tables()
        created = domain_tables(upgraded)
        assert any(re.search("item", t, re.I) for t in created), f"no items table: {upgraded}"
        if project.auth != "none":
            assert any(re.search("user", t, re.I) for t in created), f"no users table: {upgraded}"

        harness.make_ok(project.project_dir, "downgrade", env)
        downgraded = db.tables()
        assert not domain_tables(downgraded), f"left after downgrade: {sorted(downgraded)}"

        harness.make_ok(project.project_dir, "migrate", env)
        assert db.tables() == upgraded


def test_lint_and_strict_type_checks_pass(built_project: BuiltProject) -> None:
    """`make lint` (linter, formatter check, strict types) finds nothing."""
    harness.make_ok(built_project.project_dir, "lint", built_project.env())


def test_the_projects_own_tests_pass_on_its_database(built_project: BuiltProject) -> None:
    """`make test` passes on a fresh database of the chosen kind (and Redis), as its CI runs it."""
    project = built_project
    with contextlib.ExitStack() as stack:
        settings = {"ENVIRONMENT": "test", **project.backing_services(stack, "own")}
        output = harness.make_ok(project.project_dir, "test", project.env(**settings))
    assert re.search(r"\b\d+ passed\b", output), f"no passing tests reported:\n{output[-3000:]}"


def documented_secret_key(project_dir: Path) -> str:
    """The SECRET_KEY value that .env.example documents (the placeholder people copy)."""
    example = (project_dir / ".env.example").read_text()
    found = re.search(r"^\s*(?:export\s+)?SECRET_KEY\s*=\s*(.*?)\s*$", example, re.M)
    assert found, ".env.example does not document SECRET_KEY"
    return found.group(1).strip("'\"")


@pytest.mark.default_combo
@pytest.mark.parametrize("weak", ["env-example-value", "31-chars"])
def test_production_refuses_a_weak_secret_key(built_project: BuiltProject, weak: str) -> None:
    """`make start` with ENVIRONMENT=production and a weak SECRET_KEY exits non-zero and says why.

    Weak: the placeholder .env.example documents, or one character short of 32.
    """
    project = built_project
    weak_key = (
        documented_secret_key(project.project_dir) if weak == "env-example-value" else ("x" * 31)
    )
    with harness.fresh_database(project.database, f"prod-{project.id}", project.project_dir) as db:
        env = project.env(ENVIRONMENT="production", SECRET_KEY=weak_key, DATABASE_URL=db.url)
        server = harness.Server(project.project_dir, env)
        server.start()
        code = server.wait_for_exit(timeout=60)
    log = server.log()
    assert code is not None, f"`make start` kept serving with SECRET_KEY={weak_key!r}"
    assert code != 0, f"`make start` exited 0 with SECRET_KEY={weak_key!r}:\n{log[-3000:]}"
    assert "SECRET_KEY" in log, f"the refusal does not name SECRET_KEY:\n{log[-3000:]}"


@pytest.mark.default_combo
def test_production_with_a_strong_key_serves_with_hsts(built_project: BuiltProject) -> None:
    """With a strong key the production server starts (2 workers) and sends HSTS."""
    project = built_project
    with harness.fresh_database(project.database, f"prod-{project.id}", project.project_dir) as db:
        env = project.env(
            ENVIRONMENT="production",
            SECRET_KEY=harness.secret_key(),
            DATABASE_URL=db.url,
            WORKERS="2",
        )
        harness.make_ok(project.project_dir, "migrate", env)
        server = harness.Server(project.project_dir, env)
        with server:
            response = server.wait_until("/health/ready")
            hsts = response.headers.get("Strict-Transport-Security", "")
            pgid = server.process.pid if server.process else 0
            clean = server.stop()
    assert clean, f"`make start` left processes of group {pgid} behind"
    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age, f"no Strict-Transport-Security max-age on /health/ready: {hsts!r}"
    assert int(max_age.group(1)) >= 86400 * 180, f"HSTS max-age too short: {hsts!r}"


@pytest.mark.combos(use_redis=False)
def test_readiness_is_503_while_the_database_is_unreachable(built_project: BuiltProject) -> None:
    """With no database to reach, /health/live stays 200 and /health/ready is 503."""
    project = built_project
    url = harness.unreachable_database_url(project.database, project.project_dir)
    env = project.env(ENVIRONMENT="development", SECRET_KEY=harness.secret_key(), DATABASE_URL=url)
    with harness.Server(project.project_dir, env) as server:
        server.wait_until("/health/live")
        response = httpx.get(f"{server.base_url}/health/ready", timeout=30)
    expect_error(response, "SERVICE_UNAVAILABLE")


@pytest.mark.combos(use_redis=True)
def test_instances_sharing_redis_share_rate_limits(built_project: BuiltProject) -> None:
    """Two instances on one REDIS_URL count a client's requests together.

    Each instance alone would allow the limit; together they must not allow
    twice the limit. An hourly limit keeps window edges out of the count.
    """
    project = built_project
    limit = 10
    with contextlib.ExitStack() as stack:
        settings = {
            "ENVIRONMENT": "development",
            **project.backing_services(stack, "redis", redis=True),
            "RATE_LIMIT_ENABLED": "true",
        }
        limited = "RATE_LIMIT_AUTH" if project.auth != "none" else "RATE_LIMIT_DEFAULT"
        settings[limited] = f"{limit}/hour"
        env = project.env(**settings)
        harness.make_ok(project.project_dir, "migrate", env)
        servers = [stack.enter_context(harness.Server(project.project_dir, env)) for _ in "ab"]
        for server in servers:
            server.wait_until("/health/ready")
        ip = fake_ip()
        clients = [ApiClient(server.base_url, project.auth, ip=ip) for server in servers]
        for client in clients:
            stack.callback(client.close)
        email = new_email()
        statuses = []
        for attempt in range(2 * limit + 2):
            client = clients[attempt % 2]
            if project.auth == "none":
                response = client.get("/api/v1/items")
            else:
                response = client.login(email, "wrong password")
            statuses.append(response.status_code)
    assert 429 in statuses, f"no 429 from two instances: {statuses}"
    assert limit <= statuses.index(429) < 2 * limit, f"limits not shared: {statuses}"
