"""`make bench`: what the template costs, each figure a ratio to a floor measured in the same run.

Rows (docs/benchmarks.md explains each), per framework (--frameworks, default all four):
  health (F)          the default render's /health/live, every middleware on, vs a bare
                      hello-world of F on the same server (bench/floors/F_hello.*)
  items (F)           GET /api/v1/items (PostgreSQL + JWT render) vs F + the same JWT check
                      + the same page-and-total query through the raw driver the render
                      uses (bench/floors/F_items.*)
  items vs hello (F)  the items figure against the bare hello-world's
and, on the default render (FastAPI), when fastapi is among --frameworks:
  render                   copier copy of this template vs a one-file template (Copier's floor)
  idle RSS (fastapi)       one started service process, before any load
  make test (fastapi)      the default render's own test suite (warm)
  copy -> green (fastapi)  render + make install + first make test, warm package cache

Prints machine facts and a Markdown table; writes bench/results/latest.json and
docs/benchmarks.png. Exits 1 when a row could not be measured (missed targets are reported,
not failed: the figures are noisy on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import common
from common import FLOORS_DIR, REPO, RESULTS_DIR, BenchError, Project, Server, WrkResult

# Every default, in one place (each is also a command-line option).
DURATION_S = 10  # one measured wrk run
WARMUP_S = 3  # one unmeasured wrk run per server first
REPEAT = 3  # measured runs per server (interleaved), and copy -> green / make test runs
CONNECTIONS = 32  # wrk connections (one wrk thread)
RENDER_RUNS = 5  # renders of each template

ITEMS_PATH = "/api/v1/items?page=1&page_size=20"
CHART = REPO / "docs" / "benchmarks.png"
JSON_OUT = RESULTS_DIR / "latest.json"
FRAMEWORKS = ("fastapi", "django", "flask", "express")
# What each framework's floors are named after in the table, and the versions worth noting.
BARE = {"fastapi": "FastAPI", "django": "Django", "flask": "Flask", "express": "Express"}
DRIVER = {"fastapi": "asyncpg", "django": "psycopg", "flask": "psycopg", "express": "pg"}
PACKAGES = {
    "fastapi": ("fastapi", "starlette", "uvicorn", "pydantic", "sqlalchemy", "asyncpg", "pyjwt"),
    "django": ("django", "django-ninja", "gunicorn", "uvicorn", "psycopg", "pyjwt"),
    "flask": ("flask", "gunicorn", "sqlalchemy", "pydantic", "psycopg", "pyjwt"),
    "express": ("express", "kysely", "pg", "jose", "pino"),
}
T = TypeVar("T")
COMPARISONS = {">=": operator.ge, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Target:
    """A bound on a row's figure, e.g. Target(">=", 0.85, "x") or Target("<", 10, " s")."""

    op: str  # ">=", "<=" or "<"
    limit: float
    unit: str

    def met(self, value: float) -> bool:
        return COMPARISONS[self.op](value, self.limit)

    def __str__(self) -> str:
        symbol = {">=": "≥", "<=": "≤", "<": "<"}[self.op]
        return f"{symbol} {self.limit:g}{self.unit}"


@dataclass
class Row:
    """One line of the table: the figure compared with its target, and how noisy it was."""

    metric: str
    measured: str  # what was measured, human-readable (both sides of a ratio)
    figure: float  # the ratio, or the seconds/MiB when there is no floor
    unit: str  # "x", "s" or "MiB"
    target: Target | None
    noise: str
    samples: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        return "met" if self.target.met(self.figure) else "MISSED"


@dataclass
class Run:
    """Settings of this run and the rows measured so far."""

    args: argparse.Namespace
    work: Path
    rows: list[Row] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    hello_rps: dict[str, float] = field(default_factory=dict)  # per framework, for items
    defaults: dict[str, Project] = field(default_factory=dict)  # default render per framework

    def section(self, name: str, measure: Callable[[], T]) -> T | None:
        """Run one section; a failure is recorded (None) and the others still run."""
        print(f"\n== {name}", flush=True)
        started = time.perf_counter()
        try:
            return measure()
        except Exception as exc:
            detail = str(exc) if isinstance(exc, BenchError) else traceback.format_exc()
            self.errors[name] = detail
            print(f"!! {name} failed:\n{detail}", file=sys.stderr, flush=True)
            return None
        finally:
            print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)


def percent(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


# --- render ------------------------------------------------------------------------


def make_floor_template(directory: Path, *, dirty: bool) -> Path:
    """A template rendering one file, in git like this one; `dirty` leaves an uncommitted edit.

    Rendering a local template at HEAD, Copier clones it and, when the working tree is
    dirty, commits the changes in the clone first: the floor takes the same path as ours.
    """
    directory.mkdir()
    (directory / "copier.yml").write_text("project_name:\n  type: str\n  default: Floor\n")
    readme = directory / "README.md.jinja"
    readme.write_text("# {{ project_name }}\n")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    for argv in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "floor"]):
        subprocess.run([*git, *argv], cwd=directory, check=True, capture_output=True)
    if dirty:
        readme.write_text("# {{ project_name }}\n\nAn uncommitted line.\n")
    return directory


def render_floor(template: Path, dst: Path) -> None:
    """Copier's floor, called with the options tests/matrix.py's render uses."""
    import copier
    from copier.errors import DirtyLocalWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DirtyLocalWarning)
        copier.run_copy(str(template), dst, defaults=True, unsafe=True, vcs_ref="HEAD", quiet=True)


def bench_render(run: Run) -> None:
    dirty = common.template_is_dirty()
    floor = make_floor_template(run.work / "floor-template", dirty=dirty)
    run.facts["render_path"] = "dirty working tree (wip commit)" if dirty else "clean HEAD"

    renders: dict[str, Callable[[Path], object]] = {
        "template": common.render,  # tests/matrix.py's render: the working tree
        "floor": lambda dst: render_floor(floor, dst),
    }
    samples: dict[str, list[float]] = {name: [] for name in renders}
    for number in range(run.args.render_runs + 1):  # round 0 warms imports and caches
        for name, render in renders.items():
            dst = run.work / f"render-{name}-{number}"
            started = time.perf_counter()
            render(dst)
            if number:
                samples[name].append(time.perf_counter() - started)
            shutil.rmtree(dst)
    (template, template_noise), (floor_s, floor_noise) = map(
        common.median_and_spread, samples.values()
    )
    print(
        f"   template {template:.2f} s, floor {floor_s:.2f} s (medians of {len(samples['floor'])})"
    )
    run.rows.append(
        Row(
            "render",
            f"copier copy {template:.2f} s vs one-file template {floor_s:.2f} s",
            template / floor_s,
            "x",
            Target("<=", 2.0, "x"),
            f"{percent(template_noise)} / {percent(floor_noise)}",
            samples,
        )
    )


# --- HTTP --------------------------------------------------------------------------


def compare(
    run: Run, path: str, service: Server, floor: Server, **wrk: Any
) -> list[list[WrkResult]]:
    """wrk against both servers: a warm-up each, then REPEAT interleaved measured runs."""

    def load(server: Server, seconds: float) -> WrkResult:
        return common.wrk(
            server.url + path, duration=seconds, connections=run.args.connections, **wrk
        )

    servers = {"service": service, "floor": floor}
    for server in servers.values():
        load(server, run.args.warmup)
    results: list[list[WrkResult]] = [[], []]
    for number in range(run.args.repeat):
        for (name, server), kept in zip(servers.items(), results, strict=True):
            result = load(server, run.args.duration)
            if result.failures:
                raise BenchError(
                    f"{server.argv} {path}: {result.non_2xx_3xx} error responses, "
                    f"socket errors {result.socket_errors}\n{result.output}\n{server.log()[-2000:]}"
                )
            print(
                f"   run {number + 1} {name:>7}: "
                f"{result.requests_per_s:8.0f} req/s  p50 {result.p50_ms:6.2f} ms  "
                f"p99 {result.p99_ms:6.2f} ms",
                flush=True,
            )
            kept.append(result)
    return results


@dataclass
class Load:
    """Medians of one server's measured wrk runs, and their spread."""

    requests_per_s: float
    noise: float
    p50_ms: float
    p99_ms: float
    samples: dict[str, list[float]]

    @classmethod
    def of(cls, results: list[WrkResult]) -> Load:
        samples = {
            "requests_per_s": [r.requests_per_s for r in results],
            "p50_ms": [r.p50_ms for r in results],
            "p99_ms": [r.p99_ms for r in results],
        }
        rps, noise = common.median_and_spread(samples["requests_per_s"])
        p50, p99 = (statistics.median(samples[key]) for key in ("p50_ms", "p99_ms"))
        return cls(rps, noise, p50, p99, samples)


def versus(ours: Load, floor: Load) -> str:
    return (
        f"{ours.requests_per_s:.0f} vs {floor.requests_per_s:.0f} req/s, "
        f"p99 {ours.p99_ms:.1f} vs {floor.p99_ms:.1f} ms"
    )


def ratio_row(
    metric: str, label: str, ours: Load, floor: Load, at_least: float, samples: dict[str, Any]
) -> Row:
    """A throughput ratio to its floor, both sides' figures in the text."""
    return Row(
        metric,
        f"{label}: {versus(ours, floor)}",
        ours.requests_per_s / floor.requests_per_s,
        "x",
        Target(">=", at_least, "x"),
        f"{percent(ours.noise)} / {percent(floor.noise)}",
        samples,
    )


def floor(project: Project, role: str, env: dict[str, str], log: Path, **ready: Any) -> Server:
    """The `role` floor (hello or items) of the project's framework, on its server.

    FastAPI's floors serve themselves with the render's uvicorn options; Flask's run under
    the render's gunicorn configuration; Django's are settings modules run by the render's
    own `make start` command (whatever server that is); Express's run on the render's Node
    with its node_modules.
    """
    framework = project.framework
    module = f"{framework}_{role}"
    with_floors = {**env, "PYTHONPATH": str(FLOORS_DIR)}
    if framework == "fastapi":
        argv = [project.python, str(FLOORS_DIR / f"{module}.py")]
    elif framework == "flask":
        config = "python:app.gunicorn_conf"
        argv = [project.python, "-m", "gunicorn", "--config", config, f"{module}:app"]
    elif framework == "django":
        argv = project.start_argv()
        with_floors["DJANGO_SETTINGS_MODULE"] = module
    elif framework == "express":
        node = project.start_argv()[0]
        argv = [node, str(FLOORS_DIR / f"{module}.mjs")]
    else:
        raise BenchError(f"no floors for {framework!r}")
    return Server(argv, project.path, with_floors, log, **ready)


def bench_health(run: Run, project: Project) -> None:
    framework = project.framework
    settings = common.service_settings(
        f"sqlite:///{project.path}/bench.db", common.harness.secret_key()
    )
    project.make("migrate", **settings)
    env = project.env(**settings)
    logs = run.work / f"{framework}-health"
    with (
        common.service(project, settings, logs.with_suffix(".service.log")) as service,
        floor(project, "hello", env, logs.with_suffix(".floor.log")) as bare,
    ):
        common.check_floor(bare)
        time.sleep(1)  # let start-up settle before reading memory
        service_rss, bare_rss = service.rss_mib(), bare.rss_mib()
        ours_runs, floor_runs = compare(run, "/health/live", service, bare)
    ours, bare_load = Load.of(ours_runs), Load.of(floor_runs)
    run.hello_rps[framework] = bare_load.requests_per_s
    run.rows.append(
        ratio_row(
            f"health ({framework})",
            f"/health/live vs bare {BARE[framework]}",
            ours,
            bare_load,
            0.85,
            {"service": ours.samples, "bare_hello": bare_load.samples},
        )
    )
    if framework == "fastapi":  # one process each; gunicorn's master is not the app
        run.rows.append(
            Row(
                "idle RSS (fastapi)",
                f"service {service_rss:.0f} MiB vs bare FastAPI {bare_rss:.0f} MiB",
                service_rss,
                "MiB",
                None,
                "one sample",
                {"service_mib": service_rss, "bare_hello_mib": bare_rss},
            )
        )


def bench_items(run: Run, framework: str) -> None:
    project = common.prepare(
        run.work / f"{framework}-pg-jwt",
        {"framework": framework, "database": "postgresql", "auth": "jwt"},
    )
    run.facts[f"{framework}_postgresql_render"] = project.versions(*PACKAGES[framework])
    print(f"   versions: {run.facts[f'{framework}_postgresql_render']}")
    secret = common.harness.secret_key()
    logs = run.work / f"{framework}-items"
    with common.postgres_database(f"items_{framework}") as db:
        run.facts["postgresql_server"] = common.postgres_version(db.url)
        settings = common.service_settings(db.url, secret)
        project.make("migrate", **settings)
        with common.service(project, settings, logs.with_suffix(".service.log")) as service:
            token, _ = common.seed_user(service.url)
            auth = {"Authorization": f"Bearer {token}"}
            env = project.env(**settings)
            ready = {"ready_path": ITEMS_PATH, "ready_headers": auth}
            with floor(project, "items", env, logs.with_suffix(".floor.log"), **ready) as bare:
                common.check_floor(bare)
                for server in (service, bare):
                    common.check_items_page(server.url + ITEMS_PATH, auth)
                ours_runs, floor_runs = compare(run, ITEMS_PATH, service, bare, headers=auth)
    ours, bare_load = Load.of(ours_runs), Load.of(floor_runs)
    run.rows.append(
        ratio_row(
            f"items ({framework})",
            f"GET /api/v1/items vs {BARE[framework]} + {DRIVER[framework]}",
            ours,
            bare_load,
            0.5,
            {"service": ours.samples, "bare_items": bare_load.samples},
        )
    )
    hello_rps = run.hello_rps.get(framework)
    if hello_rps:
        run.rows.append(
            Row(
                f"items vs hello ({framework})",
                f"GET /api/v1/items vs bare hello: {ours.requests_per_s:.0f} vs "
                f"{hello_rps:.0f} req/s",
                ours.requests_per_s / hello_rps,
                "x",
                None,
                f"{percent(ours.noise)} / (health row)",
            )
        )


# --- the rendered project's own tests ------------------------------------------------


def bench_tests(run: Run, project: Project) -> None:
    green: list[float] = []
    for number in range(run.args.repeat):
        dst = run.work / f"green-{number}"
        started = time.perf_counter()
        common.render(dst)
        fresh = Project(dst)
        fresh.make("install")
        fresh.make("test")
        green.append(time.perf_counter() - started)
        print(f"   copy -> green {number + 1}: {green[-1]:.1f} s", flush=True)
        shutil.rmtree(dst)
    project.make("test")  # warm-up: the first run compiles the venv's bytecode
    suite = [project.make("test") for _ in range(run.args.repeat)]
    print(f"   make test: {', '.join(f'{s:.1f} s' for s in suite)}", flush=True)
    suite_s, suite_noise = common.median_and_spread(suite)
    green_s, green_noise = common.median_and_spread(green)
    run.rows.append(
        Row(
            "make test (fastapi)",
            f"the default render's suite, warm: {suite_s:.1f} s",
            suite_s,
            "s",
            Target("<", 10, " s"),
            percent(suite_noise),
            {"seconds": suite},
        )
    )
    run.rows.append(
        Row(
            "copy -> green (fastapi)",
            f"render + make install + first make test: {green_s:.1f} s",
            green_s,
            "s",
            Target("<", 30, " s"),
            percent(green_noise),
            {"seconds": green},
        )
    )


# --- output ------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (what docs/benchmarks.md shows)."""
    lines = [
        "| row | measured (median) | figure | target | verdict | noise |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        figure = f"{row.figure:.2f}x" if row.unit == "x" else f"{row.figure:.1f} {row.unit}"
        target = str(row.target) if row.target else "—"
        lines.append(
            f"| {row.metric} | {row.measured} | {figure} | {target} | {row.verdict} | {row.noise} |"
        )
    return "\n".join(lines)


def chart(rows: list[Row], path: Path) -> None:
    """Bars of each figure against its target: ratios, seconds, memory."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("x", "ratio to its floor (same run)"), ("s", "seconds"), ("MiB", "idle RSS, MiB")]
    panels = [(unit, title) for unit, title in panels if any(r.unit == unit for r in rows)]
    counts = [sum(r.unit == unit for r in rows) for unit, _ in panels]
    fig, axes = plt.subplots(
        1,
        len(panels),
        figsize=(max(11, 1.1 * sum(counts) + 2), 4.8),
        gridspec_kw={"width_ratios": counts},
        squeeze=False,
    )
    colours = {"met": "#3a923a", "MISSED": "#c23b22", "info": "#7f7f7f"}
    for ax, (unit, title) in zip(axes[0], panels, strict=True):
        chosen = [r for r in rows if r.unit == unit]
        names = [
            f"{r.metric.replace(' vs ', chr(10) + 'vs ').replace(' (', chr(10) + '(')}"
            f"\n{r.target or 'no target'}"
            for r in chosen
        ]
        bars = ax.bar(names, [r.figure for r in chosen], color=[colours[r.verdict] for r in chosen])
        ax.bar_label(
            bars,
            fmt="%.2f" if unit == "x" else "%.1f",
            fontsize=9,
            padding=2,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            zorder=3,
        )
        for bar, row in zip(bars, chosen, strict=True):
            if row.target:
                left, right = bar.get_x(), bar.get_x() + bar.get_width()
                ax.hlines(row.target.limit, left, right, colors="black", linestyles="--")
        ax.set_title(title, fontsize=10)
        ax.tick_params(axis="x", labelsize=8)
        ax.margins(y=0.15)
    fig.suptitle(
        "copier-backend `make bench`: medians; dashed line = target "
        "(green met, red missed, grey no target)",
        fontsize=10,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def measure_framework(run: Run, framework: str) -> None:
    """The health row on the framework's default render, then its items row."""
    default = run.section(
        f"prepare default render ({framework})",
        lambda: common.prepare(run.work / f"{framework}-default", {"framework": framework}),
    )
    if default:
        run.defaults[framework] = default
        run.facts[f"{framework}_default_render"] = default.versions(*PACKAGES[framework])
        print(f"   versions: {run.facts[f'{framework}_default_render']}")
        run.section(f"health ({framework})", lambda: bench_health(run, default))
    run.section(f"items ({framework}, PostgreSQL + JWT)", lambda: bench_items(run, framework))


def frameworks_option(text: str) -> list[str]:
    """`--frameworks flask,django`: a comma-separated subset of FRAMEWORKS, in that order."""
    chosen = {name.strip() for name in text.split(",") if name.strip()}
    unknown = chosen - set(FRAMEWORKS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"choose from {', '.join(FRAMEWORKS)} (got {', '.join(sorted(unknown)) or 'none'})"
        )
    return [name for name in FRAMEWORKS if name in chosen]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--frameworks",
        type=frameworks_option,
        default=list(FRAMEWORKS),
        help=f"comma-separated, default all: {','.join(FRAMEWORKS)}",
    )
    parser.add_argument("--duration", type=float, default=DURATION_S, help="seconds per wrk run")
    parser.add_argument("--warmup", type=float, default=WARMUP_S, help="unmeasured wrk seconds")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="measured runs per figure")
    parser.add_argument("--connections", type=int, default=CONNECTIONS, help="wrk connections")
    parser.add_argument("--render-runs", type=int, default=RENDER_RUNS, help="renders per template")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args()
    common.require_wrk()

    work = Path(tempfile.mkdtemp(prefix="copier-backend-bench-"))
    run = Run(args, work)
    run.facts.update(common.machine_facts())
    print("\n".join(f"{key:>16}: {value}" for key, value in run.facts.items()))
    started = time.perf_counter()
    try:
        if "fastapi" in args.frameworks:
            run.section("render", lambda: bench_render(run))
        for framework in args.frameworks:
            measure_framework(run, framework)
        default = run.defaults.get("fastapi")
        if default:
            run.section("make test + copy -> green (fastapi)", lambda: bench_tests(run, default))
    finally:
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    run.facts["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    run.facts["bench_seconds"] = round(time.perf_counter() - started)

    print(f"\n{table(run.rows)}\n")
    settings = {k: v for k, v in vars(args).items() if k != "keep"}
    print(
        f"settings: {settings}; machine load average before/after: "
        f"{run.facts['load_average']} / {run.facts['load_average_after']}"
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    report = {
        "settings": settings,
        "machine": run.facts,
        "rows": [
            {
                **asdict(row),
                "target": str(row.target) if row.target else None,
                "verdict": row.verdict,
            }
            for row in run.rows
        ],
        "errors": run.errors,
    }
    JSON_OUT.write_text(json.dumps(report, indent=2) + "\n")
    if run.rows:
        chart(run.rows, CHART)
    print(f"wrote {JSON_OUT.relative_to(REPO)} and {CHART.relative_to(REPO)}")
    if run.errors:
        print(f"not measured: {', '.join(run.errors)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
