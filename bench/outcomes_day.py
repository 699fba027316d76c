"""The stored figures of issue 28 through a working day, on PostgreSQL, beside a floor measured in the same run.

Builds (or reuses) the dataset of `outcomes_data.py` at `--scale` on `--database-url` (a database named
`inclusion_bench_outcomes*`), then, in this process, times the figures a report reads for the default period (the
last 12 months) through `inclusion.reports.grouped.grouped_shares`: every région summed for the whole network,
per site for one site. (Assembling the tables from them is the report's other half: `bench/outcomes.py`.)

1. **Bulk load**: every stored part, rollup and month figure deleted, then the first network read (it computes
   and stores everything), and, deleted again, `inclusion reports rebuild`'s work (`reports.rebuild.rebuild`).
2. **Stored**: the network read `--repeats` times (p50, p95), the largest and the median site.
3. **After writes**: `--writes` activities (default 10,000 × scale: 10,000 at national scale) spread round-robin
   over every site, dated today, each with a topic, written as plain SQL INSERTs in transactions of 20 (the
   triggers count them like any write: `months/triggers.py`); then one network read. Three rounds.
4. **The day**: `--day-seconds` seconds of writers (a process of its own, `--writers` connections inserting one
   activity and its topic per transaction, as advisers do, `--write-rate` a second between them: 20 by default,
   about 3,000 sites' advisers recording 40 activities each in an 8-hour day is 4 a second; 0: as fast as they
   can) while funders read the network figures in a loop: read p50/p95, reads done, writes per second.

The floor: one hand-written statement (`outcomes.FLOOR_SQL`) computing the headline and divide figures for the
same sites and period, timed the same way.

    .venv/bin/python bench/outcomes_day.py --database-url \\
        postgresql://postgres@127.0.0.1:5432/inclusion_bench_outcomes_rollup --scale 0.05 --day-seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import time
from datetime import date

import asyncpg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import outcomes_data  # noqa: E402
from outcomes import FLOOR_SQL, framework_args, percentile  # noqa: E402

STORES = ("report_site_part", "report_rollup", "report_month_figure", "report_month_learner")
WRITE = (
    "WITH a AS (INSERT INTO activity (site, type, date, duration_minutes, title, anonymous_count) "
    "VALUES ($1, 'collectif', $2, 60, 'Atelier du jour', 3) RETURNING id) "
    "INSERT INTO activity_topic (activity, kind, topic) SELECT id, 'digital', 'email' FROM a"
)


async def write_spread(url: str, sites: list[int], count: int, today: date, per_transaction: int = 20) -> float:
    """`count` activities round-robin over `sites`; the seconds it took."""
    connection = await asyncpg.connect(url)
    began = time.perf_counter()
    try:
        for start in range(0, count, per_transaction):
            async with connection.transaction():
                for index in range(start, min(count, start + per_transaction)):
                    await connection.execute(WRITE, sites[index % len(sites)], today)
    finally:
        await connection.close()
    return time.perf_counter() - began


def writer(url: str, sites: list[int], seconds: float, connections: int, rate: float, counter) -> None:
    """A process of writers: each connection inserts one activity per transaction until the time is up, all of
    them `rate` a second between them (0: as fast as they can)."""

    async def one(offset: int) -> int:
        connection = await asyncpg.connect(url)
        done, today, began = 0, date.today(), time.monotonic()
        try:
            while time.monotonic() < began + seconds:
                await connection.execute(WRITE, sites[(offset + done * connections) % len(sites)], today)
                done += 1
                if rate:
                    await asyncio.sleep(max(0.0, began + done * connections / rate - time.monotonic()))
        finally:
            await connection.close()
        return done

    async def everyone() -> int:
        return sum(await asyncio.gather(*(one(i) for i in range(connections))))

    counter.value = asyncio.run(everyone())


async def run(args) -> None:
    from inclusion import clock
    from inclusion.reports.divide import default_framework
    from inclusion.reports.grouped import grouped_shares
    from inclusion.reports.rebuild import rebuild
    from inclusion.reports.scope import ReportScope, check_period
    from inclusion.settings import Settings
    from inclusion.storage import db, engines

    summary = await outcomes_data.build_async(args.database_url, args.scale, args.seed, progress=print)
    db.bind(engines.create_engine(Settings(database_url=args.database_url, secret_key="bench-" + "x" * 40)))
    today = clock.today()
    start, end = check_period(None, None, today)
    rows = await db.current_engine()._run_in_new_connection("SELECT id, name FROM site ORDER BY id")
    sites = [{"id": row["id"], "name": row["name"]} for row in rows]
    ids = [site["id"] for site in sites]
    framework = await default_framework()

    def scope(chosen: list[dict], every: bool = False) -> ReportScope:
        return ReportScope(start, end, chosen, {site["id"]: [(start, end)] for site in chosen}, every_site=every)

    network = scope(sites, every=True)
    by_id = {site["id"]: site for site in sites}
    largest, median = scope([by_id[summary["large_site_id"]]]), scope([by_id[summary["median_site_id"]]])

    async def read(chosen: ReportScope) -> float:
        began = time.perf_counter()
        await grouped_shares(chosen, framework, today)
        return (time.perf_counter() - began) * 1000

    async def floor(site_ids: list[int] | None) -> float:
        connection = await asyncpg.connect(args.database_url)
        try:
            versions, autonomous = await framework_args(connection)
            began = time.perf_counter()
            await connection.fetch(FLOOR_SQL, start, end, site_ids, versions, autonomous)
            return (time.perf_counter() - began) * 1000
        finally:
            await connection.close()

    async def forget() -> None:
        connection = await asyncpg.connect(args.database_url)
        try:
            for table in STORES:
                await connection.execute(f"DELETE FROM {table}")
        finally:
            await connection.close()

    async def series(chosen: ReportScope, repeats: int) -> list[float]:
        return [await read(chosen) for _ in range(repeats)]

    def stats(samples: list[float]) -> str:
        return f"p50 {statistics.median(samples):8.0f} ms   p95 {percentile(samples, 0.95):8.0f} ms"

    print(f"dataset: scale {args.scale:g}, {len(sites):,} sites, {summary['rows']['activity']:,} activities, "
          f"{summary['rows']['assessment']:,} assessments; period {start} → {end}")  # fmt: skip
    await forget()
    first = await read(network)
    await forget()
    began = time.perf_counter()
    await rebuild(today, lambda line: None)
    rebuilt = time.perf_counter() - began
    print(f"bulk load: first network read {first / 1000:7.1f} s   `reports rebuild` {rebuilt:7.1f} s   (target ≤ 60 s)")
    await read(network)
    stored = await series(network, args.repeats)
    floor_network = [await floor(None) for _ in range(args.repeats)]
    print(f"network, stored      {stats(stored)}   floor {stats(floor_network)}   (target p50 ≤ 500 ms, p95 ≤ 1 s)")
    for label, chosen, site_id in (("largest site", largest, summary["large_site_id"]),
                                   ("median site", median, summary["median_site_id"])):  # fmt: skip
        samples = await series(chosen, args.repeats)
        floors = [await floor([site_id]) for _ in range(args.repeats)]
        print(f"{label:<20} {stats(samples)}   floor {stats(floors)}   (target p50 ≤ 50 ms)")
    writes = args.writes or round(10_000 * args.scale)
    for round_number in range(1, 4):
        seconds = await write_spread(args.database_url, ids, writes, today)
        after = await read(network)
        again = await read(network)
        print(f"after {writes:,} writes over {len(ids):,} sites (round {round_number}, written in {seconds:.1f} s): "
              f"network {after:7.0f} ms, then {again:5.0f} ms   (target ≤ 3 s)")  # fmt: skip
    if args.day_seconds:
        counter = multiprocessing.Value("i", 0)
        process = multiprocessing.Process(
            target=writer, args=(args.database_url, ids, args.day_seconds, args.writers, args.write_rate, counter)
        )
        process.start()
        stop, samples = time.monotonic() + args.day_seconds, []
        while time.monotonic() < stop:
            samples.append(await read(network))
        process.join()
        rate = counter.value / args.day_seconds
        print(f"the day ({args.day_seconds:g} s, {args.writers} writers): {len(samples)} network reads, "
              f"{stats(samples)}; {counter.value:,} writes, {rate:,.1f} writes/s")  # fmt: skip
    await db.close(db.current_engine())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=outcomes_data.DEFAULT_URL)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--writes", type=int, default=0, help="writes between two reports (default 10,000 × scale)")
    parser.add_argument("--day-seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--write-rate", type=float, default=20, help="writes a second in the day (0: unpaced)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
