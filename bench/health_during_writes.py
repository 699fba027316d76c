"""How long `/health` waits while the biggest writes a user can trigger run, on the real server.

Starts `inclusion serve` (SQLite in a temporary directory unless `--database-url`, demo data), tops the demo site
up to 500 learners, then polls `GET /health` every `--interval` seconds on its own connection while it sends, one
after the other:

1. a workshop with 500 named participants repeated 20 weeks (10,000 participant rows, the most one request may
   write: `inclusion/activities/rules.py`);
2. a booklet import of 19,999 vouchers (20 booklets, the most one file may hold with its header line:
   `inclusion/vouchers/booklet_import.py`).

For each write: its own duration and status, and the /health latencies measured while it ran (count, p50, p99,
max), against the same figures measured idle before. The target: /health never beyond 250 ms.

    .venv/bin/python bench/health_during_writes.py
    .venv/bin/python bench/health_during_writes.py --database-url postgresql://postgres@127.0.0.1:5432/inclusion_bench_health
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_throughput import bench_env, create_token, start_server, stop, wait_healthy  # noqa: E402


def figures(latencies: list[float]) -> str:
    if not latencies:
        return "aucune mesure"
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{len(ordered)} mesures, p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms"
    )


async def poll(base: str, interval: float, samples: list[tuple[float, float]], stop_at: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while not stop_at.is_set():
            started = time.perf_counter()
            await client.get("/health")
            samples.append((started, time.perf_counter() - started))
            await asyncio.sleep(interval)


async def measure(base: str, token: str, interval: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as client:
        schemes = (await client.get("/api/v1/voucher-schemes")).json()
        scheme, site = next((each["id"], each["site_ids"][0]) for each in schemes if each["site_ids"])
        learners = (await client.get(f"/api/v1/learners?site={site}&per_page=200")).json()
        for index in range(max(0, 500 - learners["total"])):
            person = {"site_id": site, "first_name": f"Banc{index}", "last_name": "Essai", "confirm_duplicate": True}
            assert (await client.post("/api/v1/learners", json=person)).status_code == 201
        ids = []
        for page in range(1, 4):
            rows = (await client.get(f"/api/v1/learners?site={site}&per_page=200&page={page}")).json()["items"]
            ids += [row["id"] for row in rows]
        ids = ids[:500]
        start = date.today() - timedelta(weeks=21)
        workshop = {"type": "collectif", "site_id": site, "date": start.isoformat(), "duration_minutes": 90,
                    "title": "Banc d'essai", "digital_topics": ["email"], "repeat_weeks": 20,
                    "participants": [{"learner_id": learner} for learner in ids]}  # fmt: skip
        lines = [f"BANC-{b:02d};CAF banc;caf;BANC{b:02d}-{n:04d}" for b in range(20) for n in range(1000)][:19_999]
        booklets = {"scheme_id": scheme, "site_id": site, "csv": "carnet;prescripteur;type_prescripteur;numero\n"
                    + "\n".join(lines)}  # fmt: skip
        writes = [
            ("atelier : 500 participants × 20 semaines", "/api/v1/activities", workshop),
            ("import de 19 999 Pass (20 carnets)", "/api/v1/booklets/import", booklets),
        ]
        samples: list[tuple[float, float]] = []
        done = asyncio.Event()
        poller = asyncio.create_task(poll(base, interval, samples, done))
        await asyncio.sleep(3)
        print(f"au repos : {figures([latency for _, latency in samples])}")
        for label, path, body in writes:
            began = time.perf_counter()
            response = await client.post(path, json=body)
            ended = time.perf_counter()
            during = [latency for at, latency in samples if began <= at <= ended or began <= at + latency <= ended]
            outcome = f"{response.status_code} en {(ended - began) * 1000:.0f} ms"
            print(f"{label} : {outcome} ; /health pendant : {figures(during)}")
            if response.status_code >= 300:
                print(f"  {response.text[:300]}")
            await asyncio.sleep(1)
        done.set()
        await poller


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--interval", type=float, default=0.01, help="secondes entre deux /health")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        kind, env = bench_env(tmpdir, args.database_url)
        server, port = start_server(env, args.workers)
        try:
            wait_healthy(server, port)
            print(f"base : {kind}, {args.workers} processus")
            asyncio.run(measure(f"http://127.0.0.1:{port}", create_token(env), args.interval))
        finally:
            stop(server)


if __name__ == "__main__":
    main()
