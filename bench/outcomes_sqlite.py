"""Issue 7's SQLite target: the outcomes report of one 50,000-learner site on SQLite, p50 ≤ 500 ms.

Copies the largest site of the national dataset (`outcomes_data.py`, PostgreSQL; ≈ 50,000 learners at scale 1.0)
into a fresh SQLite file migrated by `inclusion migrate`: that site's learners, assessments and their levels,
activities with their topics and participants, attendance days and vouchers, plus every site, account and
framework row (small tables, copied whole so ids stay the same). Then it starts `inclusion serve --no-demo` on
the file and times `GET /api/v1/reports/outcomes?site=…` over the last `--months` months with the dataset's
administrator token, `--repeats` times after one warm-up, as `bench/outcomes.py` does on PostgreSQL; then, for
information, with the site's stored share of the report deleted before each run (`no stored share`).

    .venv/bin/python bench/outcomes_sqlite.py --scale 1          # builds the PostgreSQL dataset first if needed

The SQLite file lives in a temporary directory and is deleted at the end; nothing is written to PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

import asyncpg
import piccolo.engine.sqlite  # noqa: F401 - registers the adapters the app's own writes use

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import outcomes_data  # noqa: E402
from outcomes import report_request, report_server, timed  # noqa: E402

CHUNK = 10_000
WHOLE = ("site", "app_user", "user_site", "framework", "framework_version", "competence", "voucher_scheme")
OF_SITE = {  # table: rows of site $1
    "learner": "site = $1",
    "assessment": "site = $1",
    "assessment_level": "assessment IN (SELECT id FROM assessment WHERE site = $1)",
    "activity": "site = $1",
    "activity_topic": "activity IN (SELECT id FROM activity WHERE site = $1)",
    "activity_participant": "activity IN (SELECT id FROM activity WHERE site = $1)",
    "site_day": "site = $1",
    "scheme_site": "site = $1",
    "booklet": "site = $1",
    "claim": "site = $1",
    "voucher": "site = $1",
    "voucher_event": "voucher IN (SELECT id FROM voucher WHERE site = $1)",
}


def site_counts(path: str) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in OF_SITE}


async def copy_site(pg_url: str, path: str, site_id: int) -> dict[str, int]:
    """Every row the report of `site_id` reads, from PostgreSQL into the migrated SQLite file at `path`."""
    target = sqlite3.connect(path, isolation_level=None)
    target.execute("PRAGMA foreign_keys = OFF")
    target.execute("PRAGMA synchronous = OFF")
    source = await asyncpg.connect(pg_url)
    counts = {}
    try:
        target.execute("BEGIN")
        for table in [*WHOLE, *OF_SITE]:
            mine = [row[1] for row in target.execute(f'PRAGMA table_info("{table}")')]
            theirs = {r["column_name"] for r in await source.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1", table)}  # fmt: skip
            columns = [column for column in mine if column in theirs]
            names = ", ".join(f'"{column}"' for column in columns)
            where, args = (OF_SITE[table], [site_id]) if table in OF_SITE else ("true", [])
            target.execute(f'DELETE FROM "{table}"')  # rows the migrations seeded: the dataset's own replace them
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
            counts[table] = 0
            async with source.transaction():
                cursor = await source.cursor(f'SELECT {names} FROM "{table}" WHERE {where} ORDER BY id', *args)
                while rows := await cursor.fetch(CHUNK):
                    target.executemany(insert, [tuple(row) for row in rows])
                    counts[table] += len(rows)
        target.execute("COMMIT")
    finally:
        await source.close()
        target.close()
    return counts


def forget_shares(path: str) -> None:
    """Delete the site's stored share of the report, so the next request counts it again from its stored months."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        with connection:
            connection.execute("DELETE FROM report_site_part")
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=outcomes_data.DEFAULT_URL, help="the PostgreSQL dataset")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--workers", type=int, default=1, help="processes drawing the dataset's rows")
    parser.add_argument("--keep", metavar="DIR", help="copy into DIR/site.db once and keep it (reused when present)")
    args = parser.parse_args()

    summary = outcomes_data.build(args.database_url, args.scale, args.seed, workers=args.workers)
    site_id = summary["large_site_id"]
    date_to = date.today()
    date_from = date_to - timedelta(days=round(args.months * 30.44))
    with contextlib.ExitStack() as stack:
        tmpdir = args.keep or stack.enter_context(tempfile.TemporaryDirectory(prefix="inclusion-bench-"))
        path = os.path.join(tmpdir, "site.db")
        env = dict(os.environ, INCLUSION_DATA_DIR=tmpdir, INCLUSION_DATABASE_URL=f"sqlite:///{path}",
                   INCLUSION_LOG_LEVEL="WARNING")  # fmt: skip
        reused = os.path.exists(path)
        os.makedirs(tmpdir, exist_ok=True)
        subprocess.run([sys.executable, "-m", "inclusion", "migrate"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        counts = site_counts(path) if reused else asyncio.run(copy_site(args.database_url, path, site_id))
        copied = time.perf_counter() - started
        size_mib = os.path.getsize(path) / 2**20
        with report_server(env, summary["admin_email"]) as (port, token, _):
            query = f"from={date_from.isoformat()}&to={date_to.isoformat()}&site={site_id}"
            report = timed(report_request(port, token, query), args.repeats)
            afresh = timed(report_request(port, token, query), args.repeats, before=lambda: forget_shares(path))

    copied_rows = ", ".join(f"{table} {count:,}" for table, count in counts.items() if table in OF_SITE)
    how = "reused from" if reused else "copied into"
    print(f"site {site_id} (scale {args.scale:g}) {how} {path} in {copied:.1f} s ({size_mib:.0f} MiB): {copied_rows}")
    print(f"period {date_from} → {date_to}; {args.repeats} runs after a warm-up")
    print(f"report p50 {report['p50_ms']:.0f} ms, p95 {report['p95_ms']:.0f} ms, {report['size']:,} bytes")
    print(f"no stored share (information): p50 {afresh['p50_ms']:.0f} ms, p95 {afresh['p95_ms']:.0f} ms")
    print(f"  {'PASS' if report['p50_ms'] <= 500 else 'FAIL'}  one 50,000-learner site on SQLite p50 <= 500 ms")


if __name__ == "__main__":
    main()
