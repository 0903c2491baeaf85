"""`make soak`: load one rendered service for a bounded time; fail on any error or memory growth.

Renders the default service (SQLite + JWT; `--database postgresql` for PostgreSQL + JWT),
migrates a fresh database, signs a user in, seeds its items, then drives the service with
wrk and bench/soak.lua (mixed list / read / create / delete / readiness traffic) while
sampling the server's RSS every second. Fails (exit 1) on any non-2xx answer, any socket
error or timeout wrk reports, a server that dies, or memory growth: the median RSS of the
last quarter of the run above the first quarter's by more than GROWTH_FRACTION plus
GROWTH_SLACK_MIB. Prints p50/p99 latency and the RSS summary; writes bench/results/soak.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import common
from common import BENCH_DIR, RESULTS_DIR, Server

DURATION_S = 60  # the measured run
WARMUP_S = 10  # unmeasured load first: caches, pools and allocator settle
CONNECTIONS = 16
GROWTH_FRACTION = 0.10
GROWTH_SLACK_MIB = 5.0

SCRIPT = BENCH_DIR / "soak.lua"
JSON_OUT = RESULTS_DIR / "soak.json"


@contextlib.contextmanager
def database(kind: str, project_dir: Path) -> Iterator[str]:
    """A fresh database URL of `kind`, removed afterwards."""
    if kind == "postgresql":
        with common.postgres_database("soak") as db:
            yield db.url
    else:
        path = project_dir / f"soak-{secrets.token_hex(3)}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


class RssSampler(threading.Thread):
    """Reads the server's RSS once a second until stopped."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.samples: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                self.samples.append(round(self.server.rss_mib(), 1))


def memory_verdict(samples: list[float]) -> tuple[bool, dict[str, Any]]:
    """Whether the last quarter's median RSS stayed within bounds of the first quarter's."""
    quarter = max(1, len(samples) // 4)
    first, last = statistics.median(samples[:quarter]), statistics.median(samples[-quarter:])
    limit = first * (1 + GROWTH_FRACTION) + GROWTH_SLACK_MIB
    summary = {
        "samples": len(samples),
        "min_mib": min(samples),
        "max_mib": max(samples),
        "first_quarter_median_mib": first,
        "last_quarter_median_mib": last,
        "limit_mib": round(limit, 1),
        "series_mib": samples,
    }
    return last <= limit, summary


def non_2xx_count(wrk_output: str) -> int:
    """The count soak.lua prints when wrk finishes."""
    found = re.search(r"soak non-2xx: (\d+)", wrk_output)
    if found is None:
        raise common.BenchError(f"no count from soak.lua in wrk's output:\n{wrk_output}")
    return int(found.group(1))


def soak(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    if args.project:
        project = common.Project(args.project.resolve())
    else:
        answers = {"database": args.database, "auth": "jwt"}
        print(f"rendering and installing {answers} ...", flush=True)
        project = common.prepare(work / "service", answers)
    with database(args.database, project.path) as url:
        settings = common.service_settings(
            url,
            common.harness.secret_key(),
            ACCESS_TOKEN_TTL_SECONDS=str(int(args.warmup + args.duration) + 3600),
        )
        project.make("migrate", **settings)
        with common.service(project, settings, work / "server.log") as server:
            token, item_ids = common.seed_user(server.url)
            lua_env = {"SOAK_TOKEN": token, "SOAK_ITEM_IDS": ",".join(map(str, item_ids))}

            def load(seconds: float) -> common.WrkResult:
                return common.wrk(
                    server.url,
                    duration=seconds,
                    connections=args.connections,
                    script=SCRIPT,
                    env=lua_env,
                )

            print(f"warm-up {args.warmup:g} s, then {args.duration:g} s measured ...", flush=True)
            warmup = load(args.warmup)
            sampler = RssSampler(server)
            sampler.start()
            try:
                result = load(args.duration)
            finally:
                sampler.stopped.set()
                sampler.join()
            alive = server.alive()
            log_tail = server.log()[-3000:]

    non_2xx = [non_2xx_count(r.output) for r in (warmup, result)]
    memory_ok, memory = memory_verdict(sampler.samples)
    failures = []
    if sum(non_2xx):
        failures.append(f"{sum(non_2xx)} non-2xx answers (warm-up {non_2xx[0]}, run {non_2xx[1]})")
    socket_errors = {k: warmup.socket_errors[k] + v for k, v in result.socket_errors.items()}
    if any(socket_errors.values()):
        failures.append(f"socket errors {socket_errors}")
    if not alive:
        failures.append("the server exited during the run")
    if not memory_ok:
        failures.append(
            f"memory grew: last-quarter median {memory['last_quarter_median_mib']} MiB > "
            f"{memory['limit_mib']} MiB (first quarter {memory['first_quarter_median_mib']} MiB "
            f"+ {GROWTH_FRACTION:.0%} + {GROWTH_SLACK_MIB:g} MiB)"
        )
    return {
        "database": args.database,
        "settings": {k: str(v) for k, v in vars(args).items() if k != "keep"},
        "requests": result.requests,
        "requests_per_s": result.requests_per_s,
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "non_2xx": non_2xx[1],
        "socket_errors": result.socket_errors,
        "memory": memory,
        "failures": failures,
        "server_log_tail": log_tail if failures else "",
        "wrk_output": result.output,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=DURATION_S, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=WARMUP_S, help="unmeasured seconds")
    parser.add_argument("--connections", type=int, default=CONNECTIONS, help="wrk connections")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--project",
        type=Path,
        help="soak this rendered, installed service (its database answer) instead of a new render",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args()
    common.require_wrk()
    facts = common.machine_facts()
    print("\n".join(f"{key:>16}: {value}" for key, value in facts.items()))

    work = Path(tempfile.mkdtemp(prefix="copier-backend-soak-"))
    try:
        report = soak(args, work)
    finally:
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report["machine"] = facts

    memory = report["memory"]
    print(
        f"\n{report['requests']} requests, {report['requests_per_s']:.0f} req/s, "
        f"p50 {report['p50_ms']:.2f} ms, p99 {report['p99_ms']:.2f} ms, "
        f"non-2xx {report['non_2xx']}, socket errors {report['socket_errors']}\n"
        f"RSS over {memory['samples']} s: min {memory['min_mib']} MiB, "
        f"max {memory['max_mib']} MiB, "
        f"first-quarter median {memory['first_quarter_median_mib']} MiB, last-quarter median "
        f"{memory['last_quarter_median_mib']} MiB (limit {memory['limit_mib']} MiB)"
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    JSON_OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {JSON_OUT.relative_to(common.REPO)}")
    if report["failures"]:
        print("SOAK FAILED: " + "; ".join(report["failures"]), file=sys.stderr)
        if report["server_log_tail"]:
            print(f"--- server log (tail) ---\n{report['server_log_tail']}", file=sys.stderr)
        return 1
    print("soak passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
