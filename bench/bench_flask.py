"""The Flask rows of the benchmarks, each figure a ratio to a floor measured in the same run.

  health  the default Flask render's /health/live, every hook on, vs a bare Flask hello
          on the same server (gunicorn, gthread); goal 0.85x
  items   GET /api/v1/items (PostgreSQL + JWT render) vs bare Flask + raw psycopg; goal 0.5x

    uv run --group bench python bench/bench_flask.py [--duration 10 --repeat 3]

Reuses bench/run.py's measuring (wrk, interleaved runs, medians) and prints its table.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import common
import run as bench
from common import BENCH_DIR, Server

FLASK = {"framework": "flask"}


def bench_health(run: bench.Run, project: common.Project) -> None:
    settings = common.service_settings(
        f"sqlite:///{project.path}/bench.db", common.harness.secret_key()
    )
    project.make("migrate", **settings)
    bare_argv = [project.python, str(BENCH_DIR / "bare_hello_flask.py")]
    with (
        common.service(project, settings, run.work / "health-service.log") as service,
        Server(bare_argv, run.work, project.env(), run.work / "health-bare.log") as bare,
    ):
        time.sleep(1)
        ours_runs, floor_runs = bench.compare(run, "/health/live", service, bare)
    ours, floor = bench.Load.of(ours_runs), bench.Load.of(floor_runs)
    run.hello_rps = floor.requests_per_s
    run.rows.append(
        bench.ratio_row("flask health", "/health/live vs bare Flask", ours, floor, 0.85, {})
    )


def bench_items(run: bench.Run) -> None:
    answers = {**FLASK, "database": "postgresql", "auth": "jwt"}
    project = common.prepare(run.work / "flask-pg-jwt", answers)
    secret = common.harness.secret_key()
    with common.postgres_database("flask-items") as db:
        settings = common.service_settings(db.url, secret)
        project.make("migrate", **settings)
        with common.service(project, settings, run.work / "items-service.log") as service:
            token, _ = common.seed_user(service.url)
            auth = {"Authorization": f"Bearer {token}"}
            bare_env = project.env(SECRET_KEY=secret, DATABASE_URL=db.url)
            bare_argv = [project.python, str(BENCH_DIR / "bare_items_flask.py")]
            with Server(
                bare_argv, run.work, bare_env, run.work / "items-bare.log", bench.ITEMS_PATH, auth
            ) as bare:
                ours_runs, floor_runs = bench.compare(
                    run, bench.ITEMS_PATH, service, bare, headers=auth
                )
    ours, floor = bench.Load.of(ours_runs), bench.Load.of(floor_runs)
    label = "GET /api/v1/items vs Flask + psycopg"
    run.rows.append(bench.ratio_row("flask items", label, ours, floor, 0.5, {}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=bench.DURATION_S)
    parser.add_argument("--warmup", type=float, default=bench.WARMUP_S)
    parser.add_argument("--repeat", type=int, default=bench.REPEAT)
    parser.add_argument("--connections", type=int, default=bench.CONNECTIONS)
    args = parser.parse_args()
    common.require_wrk()
    work = Path(tempfile.mkdtemp(prefix="copier-backend-bench-flask-"))
    run = bench.Run(args, work)
    try:
        default = run.section(
            "prepare the default Flask render", lambda: common.prepare(work / "d", FLASK)
        )
        if default:
            run.section("flask health", lambda: bench_health(run, default))
        run.section("flask items (PostgreSQL + JWT)", lambda: bench_items(run))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{bench.table(run.rows)}\n")
    return 1 if run.errors else 0


if __name__ == "__main__":
    sys.exit(main())
