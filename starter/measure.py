"""Measure a running starter page: render time per request, and concurrent generations.

    uv run --group starter python -m starter.measure --url http://127.0.0.1:8080 \\
        --sequential 3 --concurrency 4 8

Each request is a GET /starter.zip with a different project name (a full render:
Copier, the post-copy `uv lock` and first commit, the zip). Prints, per round, the
status codes and the min/median/max seconds; docs/starter.md records the numbers.
Run the server with STARTER_RENDERS_PER_MINUTE=0, or the per-client limit answers 429.
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor


def one(url: str, index: int) -> tuple[int, float, int]:
    query = urllib.parse.urlencode({"project_name": f"Measured {index}"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{url}/starter.zip?{query}", timeout=600) as response:
            size = len(response.read())
            status = response.status
    except urllib.error.HTTPError as exc:
        status, size = exc.code, 0
    return status, time.monotonic() - started, size


def round_of(url: str, count: int, concurrency: int, offset: int) -> str:
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda i: one(url, offset + i), range(count)))
    wall = time.monotonic() - started
    statuses = Counter(status for status, _, _ in results)
    times = sorted(seconds for _, seconds, _ in results)
    return (
        f"{count} requests, {concurrency} at once: statuses {dict(statuses)}; "
        f"seconds min {times[0]:.1f} median {statistics.median(times):.1f} "
        f"max {times[-1]:.1f}; wall {wall:.1f}s; zip {results[0][2] // 1024} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--sequential", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[4, 8])
    args = parser.parse_args()
    offset = 0
    if args.sequential:
        print(round_of(args.url, args.sequential, 1, offset), flush=True)
        offset += args.sequential
    for concurrency in args.concurrency:
        print(round_of(args.url, concurrency, concurrency, offset), flush=True)
        offset += concurrency


if __name__ == "__main__":
    main()
