"""What bench/run.py and bench/soak.py share: rendered projects, servers, wrk, machine facts.

Nothing is mocked: projects are real renders of the working tree (tests/matrix.py's
`render`), installed with their own `make install`, served by real processes on free
loopback ports and loaded by wrk.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
FLOORS_DIR = BENCH_DIR / "floors"
RESULTS_DIR = BENCH_DIR / "results"

# The shared package cache of every render's `uv sync` (harness reads it at import).
os.environ.setdefault("UV_CACHE_DIR", str(Path.home() / ".cache/copier-backend/uv"))
sys.path.insert(0, str(REPO / "tests"))
import harness  # noqa: E402  (tests/ is on the path only now)
from matrix import render  # noqa: E402

# The server gets CPU 0 to itself, the load generator CPU 1 (when taskset and 2 CPUs exist).
SERVER_CPU, LOAD_CPU = 0, 1
PINNING = shutil.which("taskset") is not None and len(os.sched_getaffinity(0)) >= 2
# High enough that the load generator is never limited; the limiter still runs.
UNLIMITED_RATE = "1000000000/minute"
USER_PASSWORD = "bench-password-123"
SEED_ITEMS = 40


class BenchError(RuntimeError):
    """A step failed; the message says which and shows its output."""


def require_wrk() -> str:
    """wrk's path, or a clear error saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed: `sudo apt-get install wrk` (Debian/Ubuntu)")
    return path


def pinned(cpu: int, argv: Sequence[str]) -> list[str]:
    """`argv` restricted to one CPU with taskset, where that is possible."""
    return ["taskset", "-c", str(cpu), *argv] if PINNING else list(argv)


def median_and_spread(samples: Sequence[float]) -> tuple[float, float]:
    """The median, and the spread (max - min) as a fraction of it: the run-to-run noise."""
    middle = statistics.median(samples)
    return middle, (max(samples) - min(samples)) / middle if middle else 0.0


# --- Rendered projects -------------------------------------------------------------


@dataclass
class Project:
    """A rendered service with its dependencies installed."""

    path: Path

    @property
    def framework(self) -> str:
        """The framework it was rendered for (its .copier-answers.yml)."""
        answers = (self.path / ".copier-answers.yml").read_text()
        found = re.search(r"^framework: (\w+)$", answers, re.M)
        assert found, "no framework in .copier-answers.yml"
        return found.group(1)

    def env(self, **settings: str) -> dict[str, str]:
        """The caller's environment without any service setting, plus `settings`."""
        return harness.clean_env(self.path, **settings)

    def make(self, target: str, **settings: str) -> float:
        """Run `make <target>`; its wall time in seconds, or BenchError with its output."""
        started = time.perf_counter()
        result = harness.make(self.path, target, self.env(**settings))
        if result.returncode != 0:
            raise BenchError(f"make {target} failed in {self.path}\n{harness.describe(result)}")
        return time.perf_counter() - started

    @property
    def python(self) -> str:
        return str(self.path / ".venv" / "bin" / "python")

    def start_argv(self) -> list[str]:
        """What the render's own `make start` runs, as an argv without `uv run` or `exec`.

        The first word is resolved in the project's venv, else on the service's PATH
        (Node 24 for Express), so the process started is the server itself.
        """
        makefile = (self.path / "Makefile").read_text()
        found = re.search(r"^start:.*\n\t(.+)$", makefile, re.M)
        if found is None:
            raise BenchError(f"no `start` recipe in {self.path / 'Makefile'}")
        words = shlex.split(found.group(1))
        for prefix in (["exec"], ["uv", "run"]):
            if words[: len(prefix)] == prefix:
                words = words[len(prefix) :]
        venv_program = self.path / ".venv" / "bin" / words[0]
        program = (
            str(venv_program)
            if venv_program.exists()
            else shutil.which(words[0], path=self.env()["PATH"])
        )
        if program is None:
            raise BenchError(f"{words[0]!r} (from `make start`) is not on the service's PATH")
        return [program, *words[1:]]

    def versions(self, *packages: str) -> dict[str, str]:
        """Installed versions of those of `packages` the project has (venv or node_modules)."""
        if (self.path / "package.json").exists():
            found = {}
            for package in packages:
                manifest = self.path / "node_modules" / package / "package.json"
                if manifest.exists():
                    found[package] = json.loads(manifest.read_text())["version"]
            return found
        code = (
            "import importlib.metadata as m, json, sys\n"
            "found = {}\n"
            "for p in sys.argv[1:]:\n"
            "    try: found[p] = m.version(p)\n"
            "    except m.PackageNotFoundError: pass\n"
            "print(json.dumps(found))"
        )
        out = subprocess.run(
            [self.python, "-c", code, *packages], capture_output=True, text=True, check=True
        )
        return json.loads(out.stdout)


def prepare(dst: Path, answers: Mapping[str, Any] | None = None) -> Project:
    """Render the working tree into `dst` and `make install` it.

    The render's development `.env` is removed (as the deep tests do): a served
    project runs on its code defaults plus the settings passed explicitly.
    """
    render(dst, dict(answers or {}))
    (dst / ".env").unlink(missing_ok=True)
    project = Project(dst)
    project.make("install")
    return project


def service_settings(database_url: str, secret_key: str, **extra: str) -> dict[str, str]:
    """Production settings with every middleware on and the rate limit out of reach.

    LOG_LEVEL stays INFO, so the access log writes one JSON line per request.
    """
    return {
        "ENVIRONMENT": "production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMIT_DEFAULT": UNLIMITED_RATE,
        "ACCESS_TOKEN_TTL_SECONDS": str(24 * 3600),
        "WORKERS": "1",
        **extra,
    }


@contextlib.contextmanager
def postgres_database(label: str) -> Iterator[harness.Database]:
    """A fresh PostgreSQL database named bench_<label>_<random>, dropped afterwards."""
    reason = harness._database_reachable("postgresql")
    if reason:
        raise BenchError(f"{reason} (PostgreSQL on 127.0.0.1:5432, user postgres, is needed)")
    db = harness.Database("postgresql", f"bench_{label}_{secrets.token_hex(3)}")
    db.create()
    try:
        yield db
    finally:
        db.drop()


def postgres_version(url: str) -> str:
    """The server's version string."""
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]


# --- Servers -----------------------------------------------------------------------


@dataclass
class Server:
    """A server process on a free loopback port, pinned to SERVER_CPU, in its own group."""

    argv: Sequence[str]
    cwd: Path
    env: dict[str, str]
    log_path: Path
    ready_path: str = "/health/live"
    ready_headers: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=harness.free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid  # taskset execs the server: this is the server itself

    def __enter__(self) -> Server:
        env = {**self.env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                pinned(SERVER_CPU, self.argv),
                cwd=self.cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def wait_ready(self, timeout: float = 60) -> None:
        """Poll the ready path until it answers 200."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.argv} exited early\n{harness.tail(self.log(), 40)}")
            try:
                answer = httpx.get(self.url + self.ready_path, headers=self.ready_headers)
                if answer.status_code == 200:
                    return
                last = f"{answer.status_code} {answer.text[:300]}"
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(0.2)
        raise BenchError(f"{self.argv}: {self.ready_path} not ready ({last})\n{self.log()[-3000:]}")

    def rss_mib(self) -> float:
        """The server process's resident memory now, in MiB."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        assert found, "no VmRSS in /proc status"
        return int(found.group(1)) / 1024

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, grace: float = 10) -> None:
        """SIGTERM the whole process group, SIGKILL it if it lingers."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=grace)
        self.process = None


def service(project: Project, settings: Mapping[str, str], log_path: Path) -> Server:
    """The rendered service as its `make start` runs it (e.g. `python -m app` from its venv)."""
    return Server(project.start_argv(), project.path, project.env(**settings), log_path)


def seed_user(base_url: str, items: int = SEED_ITEMS) -> tuple[str, list[int]]:
    """Register a plain user owning `items` items over the API: its access token and item ids."""
    email = f"bench-{secrets.token_hex(4)}@example.com"
    credentials = {"email": email, "password": USER_PASSWORD}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.post("/api/v1/auth/register", json=credentials).raise_for_status()
        login = client.post("/api/v1/auth/login", json=credentials)
        login.raise_for_status()
        token = login.json()["data"]["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        ids = []
        for number in range(items):
            body = {"name": f"item {number}", "description": "seeded by bench"}
            created = client.post("/api/v1/items", json=body, headers=auth)
            created.raise_for_status()
            ids.append(created.json()["data"]["id"])
    return token, ids


def check_floor(floor: Server) -> None:
    """A floor has no /health/ready (every render has): it is not the service by mistake."""
    answer = httpx.get(floor.url + "/health/ready", timeout=30)
    if answer.status_code != 404:
        raise BenchError(
            f"{floor.argv} answers /health/ready with {answer.status_code}, not 404: "
            "is it the service rather than its floor?"
        )


def check_items_page(url: str, headers: Mapping[str, str], total: int = SEED_ITEMS) -> None:
    """The page a server answers holds page_size items out of `total`: a floor does the work."""
    answer = httpx.get(url, headers=headers, timeout=30)
    page = answer.json().get("data") or {}
    size = int(httpx.URL(url).params.get("page_size", "20"))
    if (
        answer.status_code != 200
        or len(page.get("items", ())) != size
        or page.get("total") != total
    ):
        raise BenchError(
            f"{url}: not {size} items of {total}: {answer.status_code} {answer.text[:500]}"
        )


# --- wrk ---------------------------------------------------------------------------


@dataclass
class WrkResult:
    """What one wrk run reports."""

    requests_per_s: float
    requests: int
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: dict[str, int]
    output: str

    @property
    def failures(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    """Parse wrk's --latency report."""

    def number(pattern: str, default: str | None = None) -> str:
        found = re.search(pattern, output, re.M)
        if found:
            return found.group(1)
        if default is None:
            raise BenchError(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return default

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    names = ("connect", "read", "write", "timeout")
    return WrkResult(
        requests_per_s=float(number(r"^Requests/sec:\s+([\d.]+)")),
        requests=int(number(r"^\s+(\d+) requests in")),
        p50_ms=_duration_ms(number(r"^\s+50%\s+(\S+)")),
        p99_ms=_duration_ms(number(r"^\s+99%\s+(\S+)")),
        non_2xx_3xx=int(number(r"Non-2xx or 3xx responses: (\d+)", "0")),
        socket_errors=dict(zip(names, map(int, errors.groups()), strict=True))
        if errors
        else dict.fromkeys(names, 0),
        output=output,
    )


def wrk(
    url: str,
    *,
    duration: float,
    connections: int,
    headers: Mapping[str, str] | None = None,
    script: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> WrkResult:
    """One wrk run (1 thread, pinned to LOAD_CPU) against `url`."""
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "--latency", "--timeout", "5s"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    if script is not None:
        argv += ["-s", str(script)]
    result = subprocess.run(
        pinned(LOAD_CPU, [*argv, url]),
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=duration + 60,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"wrk exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return parse_wrk(result.stdout)


# --- The machine -------------------------------------------------------------------


def _first_line(argv: Sequence[str]) -> str:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "missing"
    return (result.stdout or result.stderr).strip().splitlines()[0]


def template_is_dirty() -> bool:
    """Whether the working tree has uncommitted changes (Copier then renders a wip commit)."""
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True
    )
    return bool(status.stdout.strip())


def machine_facts() -> dict[str, Any]:
    """What the numbers depend on: CPUs, load, Python, tool versions, the template's commit."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    import copier

    return {
        "nproc": os.cpu_count(),
        "cpu_model": model.group(1) if model else platform.processor(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "copier": copier.__version__,
        "uv": _first_line(["uv", "--version"]),
        "wrk": _first_line(["wrk", "--version"]).split(" [")[0],
        "pinning": f"server CPU {SERVER_CPU}, wrk CPU {LOAD_CPU}" if PINNING else "none",
        "template_commit": _first_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
        + (" + uncommitted changes" if template_is_dirty() else ""),
    }
