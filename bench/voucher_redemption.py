"""Exactly-once redemption under contention: R rounds of N simultaneous redemptions of one voucher.

Starts `python -m inclusion serve --workers W` (default 2) on a free port with a throw-away data
directory (demo data seeded), creates an admin token, then through the API a site, a scheme and a
learner. Each round hands a fresh voucher to the learner, records a 60-min session of that learner,
opens N keep-alive connections and sends N `POST /api/v1/vouchers/{number}/redeem` at the same
instant. Every round must give exactly one 200 and N-1 409s (the script stops otherwise).

Prints, over the rounds: the wall time of a round (first request sent → last answer) median, p99 and
max; the per-request latency median, p99 and max over all requests; and the same split by answer
(the success vs the refusals). `--json` adds a JSON object.

    .venv/bin/python bench/voucher_redemption.py
    .venv/bin/python bench/voucher_redemption.py --database-url postgresql://postgres@127.0.0.1:5432/inclusion_bench_vouchers
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
from collections import Counter

import httpx

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
sys.path.insert(0, os.path.dirname(BENCH_DIR))

from http_throughput import bench_env, create_token, start_server, stop, wait_healthy  # noqa: E402

from tests.support.voucher_race import issued_voucher, prepare_world, race  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    """Milliseconds: median, p99, max."""
    return {
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


async def run(base: str, token: str, rounds: int, requests: int) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    walls, latencies, winners, losers = [], [], [], []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        world = await prepare_world(client)
        suffix = os.getpid()
        for index in range(rounds):
            number = f"PN-BENCH-{suffix}-{index:03d}"
            activity = await issued_voucher(client, world, number)
            result = await race(base, token, number, activity, requests)
            counts = Counter(result.statuses)
            if counts != {200: 1, 409: requests - 1}:
                raise SystemExit(f"round {index}: expected one 200 and {requests - 1} 409, got {dict(counts)}")
            walls.append(result.wall)
            latencies += result.latencies
            for status, latency in zip(result.statuses, result.latencies, strict=True):
                (winners if status == 200 else losers).append(latency)
    return {
        "rounds": rounds,
        "requests_per_round": requests,
        "round_wall": summary(walls),
        "request_latency": summary(latencies),
        "success_latency": summary(winners),
        "refusal_latency": summary(losers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite file in a temporary directory")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        kind, env = bench_env(tmpdir, args.database_url)
        server, port = start_server(env, args.workers)
        try:
            wait_healthy(server, port)
            token = create_token(env)
            report = asyncio.run(run(f"http://127.0.0.1:{port}", token, args.rounds, args.requests))
        finally:
            stop(server)
    report |= {"database": kind, "workers": args.workers}
    print(
        f"{kind}, {args.workers} worker(s): {report['rounds']} rounds of {report['requests_per_round']} simultaneous "
        "redemptions of one voucher, each round exactly one 200 and the rest 409"
    )
    for label, key in (
        ("round wall time", "round_wall"),
        ("request latency", "request_latency"),
        ("  the success", "success_latency"),
        ("  the refusals", "refusal_latency"),
    ):
        median, p99, top = (report[key][name] for name in ("median_ms", "p99_ms", "max_ms"))
        print(f"{label:<18} median {median:>7.1f} ms   p99 {p99:>7.1f} ms   max {top:>7.1f} ms")
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
