"""A/B of two template trees on the rows an auth change moves: health, items, login burst.

    uv run --group bench python bench/ab_auth.py --before /path/to/old/checkout

Renders PostgreSQL + JWT from each tree (the `--before` checkout and this one),
starts both services side by side on fresh databases, and runs wrk against each
in turn, interleaved (`--repeat` rounds), so a change in the machine's load hits
both. Then it sends 50 concurrent logins to each and samples the server's
resident memory every 20 ms: the peak shows whether password hashing is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import common
import httpx

ITEMS_PATH = "/api/v1/items?page=1&page_size=20"
ANSWERS = '{"database": "postgresql", "auth": "jwt"}'


def render_from(tree: Path, dst: Path) -> common.Project:
    """Render PostgreSQL + JWT from a template checkout (its own matrix.render), install it."""
    code = (
        "import sys, json; sys.path.insert(0, 'tests'); from matrix import render; "
        f"from pathlib import Path; render(Path({str(dst)!r}), json.loads({ANSWERS!r}))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tree, check=True)
    (dst / ".env").unlink(missing_ok=True)
    project = common.Project(dst)
    project.make("install")
    return project


def login_burst(server: common.Server, email: str, concurrency: int) -> tuple[float, float, float]:
    """Baseline RSS, peak RSS during `concurrency` simultaneous logins, and their wall time."""
    baseline = server.rss_mib()
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, server.rss_mib())
            time.sleep(0.02)

    async def burst() -> None:
        limits = httpx.Limits(max_connections=concurrency)
        async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=300) as client:
            body = {"email": email, "password": common.USER_PASSWORD}
            answers = await asyncio.gather(
                *(client.post("/api/v1/auth/login", json=body) for _ in range(concurrency))
            )
        codes = {answer.status_code for answer in answers}
        assert codes == {200}, codes

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        asyncio.run(burst())
    finally:
        done.set()
        sampler.join()
    return baseline, peak, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="template checkout to compare")
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--logins", type=int, default=50)
    args = parser.parse_args()
    common.require_wrk()
    work = Path(tempfile.mkdtemp(prefix="ab-auth-"))
    trees = {"before": args.before.resolve(), "after": common.REPO}
    projects = {name: render_from(tree, work / name) for name, tree in trees.items()}
    secret = common.harness.secret_key()
    results: dict[tuple[str, str], list[common.WrkResult]] = {}
    with contextlib.ExitStack() as stack:
        servers: dict[str, common.Server] = {}
        tokens: dict[str, str] = {}
        for name, project in projects.items():
            db = stack.enter_context(common.postgres_database(f"ab_{name}"))
            settings = common.service_settings(
                db.url, secret, RATE_LIMIT_AUTH=common.UNLIMITED_RATE
            )
            project.make("migrate", **settings)
            server = stack.enter_context(common.service(project, settings, work / f"{name}.log"))
            servers[name] = server
            tokens[name], _ = common.seed_user(server.url)
        rows = [("health", "/health/live"), ("items", ITEMS_PATH)]
        for round_number in range(args.repeat + 1):  # round 0 is the warm-up
            for row, path in rows:
                for name, server in servers.items():
                    auth = {"Authorization": f"Bearer {tokens[name]}"}
                    result = common.wrk(
                        server.url + path,
                        duration=args.warmup if round_number == 0 else args.duration,
                        connections=args.connections,
                        headers=auth,
                    )
                    if result.failures:
                        raise common.BenchError(f"{name} {path}: {result.output}")
                    if round_number:
                        results.setdefault((row, name), []).append(result)
                        print(
                            f"round {round_number} {row:6} {name:6} "
                            f"{result.requests_per_s:7.0f} req/s  p99 {result.p99_ms:7.2f} ms",
                            flush=True,
                        )
        for row, _ in rows:
            medians = {
                name: statistics.median(r.requests_per_s for r in results[(row, name)])
                for name in servers
            }
            p99 = {
                name: statistics.median(r.p99_ms for r in results[(row, name)]) for name in servers
            }
            print(
                f"{row}: before {medians['before']:.0f} req/s (p99 {p99['before']:.1f} ms), "
                f"after {medians['after']:.0f} req/s (p99 {p99['after']:.1f} ms), "
                f"after/before {medians['after'] / medians['before']:.2f}x"
            )
        for name, server in servers.items():
            email = f"burst-{name}-{common.secrets.token_hex(3)}@example.com"
            body = {"email": email, "password": common.USER_PASSWORD}
            httpx.post(server.url + "/api/v1/auth/register", json=body).raise_for_status()
            baseline, peak, seconds = login_burst(server, email, args.logins)
            print(
                f"{args.logins} concurrent logins, {name}: RSS {baseline:.0f} MiB before, "
                f"peak {peak:.0f} MiB, all answered 200 in {seconds:.1f} s"
            )
    print(f"work directory (logs): {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
