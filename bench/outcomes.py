"""The outcomes report at national scale on PostgreSQL, next to a floor measured in the same run (issue 7).

Builds (or reuses) the seeded dataset of `outcomes_data.py` at `--scale` (1.0: 3,000 sites, 1,000,000 learners,
≈ 3,000,000 assessments, 5,000,000 activities), starts `python -m inclusion serve --no-demo` on it, and times
`GET /api/v1/reports/outcomes` over the last `--months` months (default 12) with the token of the dataset's
administrator:

- whole network: no `site` parameter, every site;
- one site: the largest site (≈ 50,000 learners at scale 1.0), then a median one;

each `--repeats` times (default 5) after one warm-up, printing the warm-up's time (`first`: for the report, the
request that stores the sums of every whole month not stored yet, as after the upgrade or when old months changed,
and every site's share of the report: `inclusion/reports/site_parts.py`), then p50 and p95 of the others (nearest
rank, read from the stored shares), the answer's size, and beside each the floor: one hand-written SQL
statement (`FLOOR_SQL`) computing the same headline and divide figures per site (activities, workshops, hours,
anonymous and present participants, learners new and returning, open days and visitors; learners assessed on a socle
competence, fragile at entry and at the latest assessment; per competence the level distributions at entry and
latest and who became autonomous; the monthly fragility and activity volume), sent through asyncpg, timed the same
way. Then, for information, the whole network and the largest site with every share deleted before each run
(`no share`: each site counted again from its stored months, as a report over a period nobody asked for yet).
Then the issue's targets: whole network p50 ≤ 2 s, one site p50 ≤ 150 ms, report ≤ 3 × floor.

    .venv/bin/python bench/outcomes.py --scale 0.05 --repeats 3
    .venv/bin/python bench/outcomes.py --json        # scale 1.0: about 5 min to build the first time

The server is stopped at the end; the database is kept for the next run (see `outcomes_data.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta

import asyncpg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import outcomes_data  # noqa: E402
from http_throughput import create_token, free_port, stop, wait_healthy  # noqa: E402

FLOOR_SQL = """
WITH act AS (
  SELECT id, site, date, type, learner, anonymous_count, duration_minutes FROM activity
  WHERE date BETWEEN $1 AND $2 AND ($3::int[] IS NULL OR site = ANY($3))
), present AS (
  SELECT a.site, a.date, p.learner FROM act a JOIN activity_participant p ON p.activity = a.id WHERE p.present
), seen AS (
  SELECT site, learner FROM act WHERE learner IS NOT NULL UNION SELECT site, learner FROM present
), ratings AS (
  SELECT a.site, a.learner, c.code, c.socle, to_char(a.assessed_on, 'YYYY-MM') AS month,
    ((a.assessed_on - DATE '2000-01-01')::bigint * 4294967296 + a.id) * 16 + l.level AS ordered
  FROM assessment a JOIN assessment_level l ON l.assessment = a.id JOIN competence c ON c.id = l.competence
  WHERE a.assessed_on BETWEEN $1 AND $2 AND ($3::int[] IS NULL OR a.site = ANY($3)) AND a.version = ANY($4)
), pairs AS (
  SELECT site, learner, code, bool_or(socle) AS socle, MIN(ordered) % 16 AS entry, MAX(ordered) % 16 AS latest
  FROM ratings GROUP BY site, learner, code
), fragile AS (
  SELECT site, learner, MAX((entry < $5)::int) AS at_entry, MAX((latest < $5)::int) AS at_latest
  FROM pairs WHERE socle GROUP BY site, learner
), monthly AS (
  SELECT site, month, learner, MAX((level < $5)::int) AS fragile FROM (
    SELECT site, learner, month, code, MAX(ordered) % 16 AS level FROM ratings WHERE socle
    GROUP BY site, learner, month, code) last_of_month
  GROUP BY site, month, learner
)
SELECT 'activities' AS kind, site, '' AS key, COUNT(*) AS n0, SUM((type = 'collectif')::int) AS n1,
  SUM(duration_minutes) AS n2, SUM(CASE WHEN type = 'collectif' THEN anonymous_count
  WHEN learner IS NULL THEN 1 ELSE 0 END) AS n3 FROM act GROUP BY site
UNION ALL SELECT 'present', site, '', COUNT(*), 0, 0, 0 FROM present GROUP BY site
UNION ALL SELECT 'learners', s.site, '', COUNT(*), SUM((l.first_visit_on >= $1)::int), 0, 0
  FROM seen s JOIN learner l ON l.id = s.learner GROUP BY s.site
UNION ALL SELECT 'days', site, '', SUM(open::int), SUM(visitors), 0, 0 FROM site_day
  WHERE day BETWEEN $1 AND $2 AND ($3::int[] IS NULL OR site = ANY($3)) GROUP BY site
UNION ALL SELECT 'fragility', site, '', COUNT(*), SUM(at_entry), SUM(at_latest), 0 FROM fragile GROUP BY site
UNION ALL SELECT 'entry', site, code || ':' || entry, COUNT(*), SUM((entry < $5)::int),
  SUM((entry < $5 AND latest >= $5)::int), 0 FROM pairs GROUP BY site, code, entry
UNION ALL SELECT 'latest', site, code || ':' || latest, COUNT(*), 0, 0, 0 FROM pairs GROUP BY site, code, latest
UNION ALL SELECT 'fragility_month', site, month, COUNT(*), SUM(fragile), 0, 0 FROM monthly GROUP BY site, month
UNION ALL SELECT 'activity_month', site, to_char(date, 'YYYY-MM'), COUNT(*), SUM(duration_minutes), 0, 0
  FROM act GROUP BY site, to_char(date, 'YYYY-MM')
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def timed(run, repeats: int, before=lambda: None) -> dict:
    before()
    began = time.perf_counter()
    run()  # warm-up, left out of p50/p95: for the report, the one that stores the whole months' sums
    first = (time.perf_counter() - began) * 1000
    samples, size = [], 0
    for _ in range(repeats):
        before()
        began = time.perf_counter()
        size = run()
        samples.append((time.perf_counter() - began) * 1000)
    return {"p50_ms": statistics.median(samples), "p95_ms": percentile(samples, 0.95), "size": size,
            "first_ms": round(first, 1), "runs_ms": [round(sample, 1) for sample in samples]}  # fmt: skip


@contextlib.contextmanager
def report_server(env: dict[str, str], admin_email: str) -> Iterator[tuple[int, str, subprocess.Popen]]:
    """`inclusion serve --no-demo` on the dataset of `env`, and a token of its administrator: (port, token,
    the server's process)."""
    token = create_token(env, admin_email)
    port = free_port()
    command = [sys.executable, "-m", "inclusion", "serve", "--port", str(port), "--no-demo"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_healthy(server, port, timeout=300)
        yield port, token, server
    finally:
        stop(server)


def report_request(port: int, token: str, query: str):
    def run() -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/reports/outcomes?{query}")
        request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=900) as response:
            if response.status != 200:
                raise SystemExit(f"report answered {response.status}")
            return len(response.read())

    return run


async def framework_args(connection: asyncpg.Connection) -> tuple[list[int], int]:
    versions = await connection.fetch(
        "SELECT v.id FROM framework_version v JOIN framework f ON f.id = v.framework WHERE f.is_default"
    )
    return [row["id"] for row in versions], 3  # level 3: autonome (DESIGN §4)


def floor_query(url: str, date_from: date, date_to: date, sites: list[int] | None):
    async def once() -> int:
        connection = await asyncpg.connect(url)
        try:
            versions, autonomous = await framework_args(connection)
            rows = await connection.fetch(FLOOR_SQL, date_from, date_to, sites, versions, autonomous)
            return len(rows)
        finally:
            await connection.close()

    return lambda: asyncio.run(once())


def forget_shares(url: str):
    """Before each run: delete the sites' stored shares, so the report counts every site again (from the stored
    months, as the first report of a day does when the daily job has not run yet)."""

    async def once() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute("DELETE FROM report_site_part")
        finally:
            await connection.close()

    return lambda: asyncio.run(once())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=outcomes_data.DEFAULT_URL)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--workers", type=int, default=1, help="processes drawing the dataset's rows")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    summary = outcomes_data.build(args.database_url, args.scale, args.seed, workers=args.workers)
    date_to = date.today()
    date_from = date_to - timedelta(days=round(args.months * 30.44))
    query = f"from={date_from.isoformat()}&to={date_to.isoformat()}"
    cases = {
        "whole network": ("", None),
        "largest site": (f"&site={summary['large_site_id']}", [summary["large_site_id"]]),
        "median site": (f"&site={summary['median_site_id']}", [summary["median_site_id"]]),
    }
    results: dict[str, dict] = {}
    afresh: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="inclusion-bench-") as tmpdir:
        env = dict(os.environ, INCLUSION_DATA_DIR=tmpdir, INCLUSION_DATABASE_URL=args.database_url,
                   INCLUSION_LOG_LEVEL="WARNING")  # fmt: skip
        with report_server(env, summary["admin_email"]) as (port, token, _):
            for label, (site_query, sites) in cases.items():
                report = timed(report_request(port, token, query + site_query), args.repeats)
                floor = timed(floor_query(args.database_url, date_from, date_to, sites), args.repeats)
                results[label] = {"report": report, "floor": floor, "ratio": report["p50_ms"] / floor["p50_ms"]}
            for label in ("whole network", "largest site"):  # the same, every site counted again each time
                site_query, _ = cases[label]
                report = timed(report_request(port, token, query + site_query), args.repeats,
                               before=forget_shares(args.database_url))  # fmt: skip
                afresh[f"{label}, no share"] = report

    print(f"dataset: scale {args.scale:g}, {summary['rows']['learner']:,} learners, "
          f"{summary['rows']['activity']:,} activities, {summary['rows']['assessment']:,} assessments; "
          f"period {date_from} → {date_to}; {args.repeats} runs after a warm-up")  # fmt: skip
    print(
        f"{'case':<15} {'first':>9} {'report p50':>11} {'p95':>9} {'bytes':>11}   {'floor p50':>10} {'p95':>9}   ratio"
    )
    for label, row in results.items():
        report, floor = row["report"], row["floor"]
        times = f"{report['first_ms']:>7.0f}ms {report['p50_ms']:>9.0f}ms {report['p95_ms']:>7.0f}ms"
        floors = f"{floor['p50_ms']:>8.0f}ms {floor['p95_ms']:>7.0f}ms"
        print(f"{label:<15} {times} {report['size']:>11,}   {floors}   {row['ratio']:.2f}")
    for label, report in afresh.items():
        times = f"{report['first_ms']:>7.0f}ms {report['p50_ms']:>9.0f}ms {report['p95_ms']:>7.0f}ms"
        print(f"{label:<15} {times} {report['size']:>11,}   (information: no stored site share)")
    targets = {
        "whole network p50 <= 2 s": results["whole network"]["report"]["p50_ms"] <= 2000,
        "one site p50 <= 150 ms": results["largest site"]["report"]["p50_ms"] <= 150,
        "report <= 3 x floor": all(row["ratio"] <= 3 for row in results.values()),
    }
    for name, passed in targets.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    if args.json:
        print(json.dumps({"scale": args.scale, "period": [str(date_from), str(date_to)], "results": results,
                          "afresh": afresh, "targets": targets, "dataset": summary}, default=str))  # fmt: skip


if __name__ == "__main__":
    main()
