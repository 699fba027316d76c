"""Issue 7's national-scale dataset on PostgreSQL, seeded and bulk-loaded, for `bench/outcomes.py`.

At scale 1.0: 3,000 sites (the largest ≈ 50,000 learners, most a few hundred), 4,000 advisers, 1,000,000 learners,
≈ 3,000,000 assessments (≈ 25 million levels), 5,000,000 activities over five years with their topics and
participants, and two years of site attendance days. Everything is drawn from `random.Random` seeded by `--seed` and
the site, relative to today. The schema comes from the project's own migrations (which also install the two
built-in frameworks, as `inclusion migrate` does for the app); rows are bulk-loaded with binary COPY
(see `outcomes_load.py`).

    .venv/bin/python bench/outcomes_data.py --scale 0.01
    .venv/bin/python bench/outcomes_data.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/inclusion_bench_outcomes --scale 1 --json

The database (name starting with `inclusion_bench_outcomes`) is created if missing. It must be empty (no app
rows) or built by this script before: a build records its parameters in the database's comment, and the same
scale, seed and generator version are reused as they are; other parameters rebuild it. `--fresh` drops and
recreates it whatever it holds. From Python: `build(url, scale, seed)` returns what was loaded (see `build`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from datetime import date

import asyncpg

from inclusion.learners.retention import cutoff
from inclusion.reports.months import triggers as month_triggers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import outcomes_load as bulk  # noqa: E402
import outcomes_people as gen  # noqa: E402
import outcomes_rows as rows_phase  # noqa: E402

PREFIX = "inclusion_bench_outcomes"
DEFAULT_URL = f"postgresql://postgres@127.0.0.1:5432/{PREFIX}"
GENERATOR = "outcomes_data/3"  # change when the data drawn changes, so older builds are not reused
PASSWORD = "inclusion-bench"  # of every account: admin@bench.inclusion.test, conseiller00002@bench.inclusion.test…
# argon2id of PASSWORD, computed once: hashing here would cost 64 MiB of RSS (argon2's memory) for one string
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$jEyDr9QGnmQ8ixfD1mVYFQ$K3ON69/lhrWoMrIaJexlVBcH2e1Q5cFyM8fet7xFXC8"
SMALL = ["site", "app_user", "user_site"]
BULK = ["learner", "assessment", "assessment_level", "activity", "activity_topic", "activity_participant", "site_day"]
APP_ROWS = "SELECT (SELECT count(*) FROM site) + (SELECT count(*) FROM app_user) + (SELECT count(*) FROM learner)"


class Refused(Exception):
    """The database holds data this script did not build (use `fresh`), or its name is not a bench name."""


def build(database_url: str = DEFAULT_URL, scale: float = 1.0, seed: int = 7, fresh: bool = False,
          progress: Callable[[str], None] | None = print, workers: int = 1) -> dict:  # fmt: skip
    """Build (or reuse) the dataset; return rows per table, seconds per phase, the site id range, the id of the
    largest site (`large_site_id`, for one-site reports) and of a median one, the login used, peak RSS."""
    return asyncio.run(build_async(database_url, scale, seed, fresh, progress, workers))


async def build_async(database_url: str = DEFAULT_URL, scale: float = 1.0, seed: int = 7, fresh: bool = False,
                      progress: Callable[[str], None] | None = print, workers: int = 1) -> dict:  # fmt: skip
    say = progress or (lambda _: None)
    began = time.perf_counter()
    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    if not name.startswith(PREFIX):
        raise Refused(f"database {name!r}: this script only builds databases named {PREFIX}*")
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    previous = await prepare_database(database_url, name, fresh)
    wanted = {"generator": GENERATOR, "scale": scale, "seed": seed}
    if previous and previous.get("complete") and all(previous.get(k) == v for k, v in wanted.items()):
        aged = await anonymise_aged(database_url, date.today())
        say(f"{name}: already built with scale {scale}, seed {seed} on {previous['as_of']}: reused (--fresh rebuilds)"
            + (f"; {aged:,} files past retention since then anonymised" if aged else ""))  # fmt: skip
        return previous["summary"] | {"reused": True, "aged_anonymised": aged}
    if previous:
        say(f"{name}: built before with other parameters or unfinished: dropped and rebuilt")
        await prepare_database(database_url, name, fresh=True)
    migrate(database_url)
    seconds["schema"] = time.perf_counter() - clock
    say(f"schema: created and migrated in {seconds['schema']:.1f} s")
    today = date.today()
    await set_marker(database_url, name, wanted | {"complete": False, "as_of": today.isoformat()})
    summary = await load(database_url, scale, seed, today, seconds, say, workers)
    summary |= {"database": name, "scale": scale, "seed": seed, "as_of": today.isoformat(), "reused": False}
    summary["seconds"]["total"] = time.perf_counter() - began
    by_process = [round(max(rss, rows_phase.peak_rss_mib()) if i == 0 else rss, 1)
                  for i, rss in enumerate(summary.pop("rss"))]  # fmt: skip
    summary |= {"peak_rss_mib": max(by_process), "peak_rss_mib_by_process": by_process, "workers": workers}
    await set_marker(database_url, name, wanted | {"complete": True, "as_of": today.isoformat(), "summary": summary})
    return summary


async def prepare_database(url: str, name: str, fresh: bool) -> dict | None:
    """Create the database if missing (drop it first with `fresh`); return the marker of an earlier build, or None
    for an empty database; refuse a database with app rows this script did not build."""
    admin = await asyncpg.connect(urllib.parse.urlsplit(url)._replace(path="/postgres").geturl())
    try:
        if fresh:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        row = await admin.fetchrow(
            "SELECT shobj_description(oid, 'pg_database') AS marker FROM pg_database WHERE datname = $1", name
        )
        if row is None:
            await admin.execute(f'CREATE DATABASE "{name}"')
            return None
    finally:
        await admin.close()
    marker = json.loads(row["marker"]) if row["marker"] and row["marker"].startswith("{") else {}
    if marker.get("generator"):
        return marker
    connection = await asyncpg.connect(url)
    try:
        has_tables = await connection.fetchval("SELECT to_regclass('public.learner') IS NOT NULL")
        if has_tables and await connection.fetchval(APP_ROWS):
            raise Refused(f"database {name!r} holds data this script did not build: pass --fresh to drop it")
    finally:
        await connection.close()
    return None


async def set_marker(url: str, name: str, marker: dict) -> None:
    connection = await asyncpg.connect(url)
    try:
        text = json.dumps(marker, ensure_ascii=False).replace("'", "''")
        await connection.execute(f"COMMENT ON DATABASE \"{name}\" IS '{text}'")
    finally:
        await connection.close()


async def anonymise_aged(url: str, today: date) -> int:
    """Files whose last contact fell past retention since the build get anonymised in one statement (as at build
    time), so a server started on reused data does not anonymise them one by one while it is being measured."""
    connection = await asyncpg.connect(url)
    try:
        status = await connection.execute(
            "UPDATE learner SET first_name = '', last_name = '', pseudonym = '', phone = '', email = '', notes = '',"
            " name_key = '', search_key = '', birth_year = NULL, consent_on = NULL, anonymised_at = now(),"
            " updated_at = now() WHERE last_contact_on < $1 AND anonymised_at IS NULL AND merged_into IS NULL",
            cutoff(today, gen.RETENTION_MONTHS),
        )
        return int(status.split()[-1])
    finally:
        await connection.close()


def migrate(url: str) -> None:
    """`python -m inclusion migrate`, as the other benches and the app's operators run it."""
    with tempfile.TemporaryDirectory(prefix="inclusion-bench-") as data_dir:
        env = dict(os.environ, INCLUSION_DATABASE_URL=url, INCLUSION_DATA_DIR=data_dir, INCLUSION_LOG_LEVEL="WARNING")
        done = subprocess.run([sys.executable, "-m", "inclusion", "migrate"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"inclusion migrate failed: {done.stderr.strip() or done.stdout.strip()}")


async def load(url: str, scale: float, seed: int, today: date, seconds: dict, say, workers: int) -> dict:
    rng = random.Random(seed)
    calendar = gen.Calendar(today)
    sites = gen.plan_network(scale, rng)
    connection = await bulk.connect(url)
    try:
        version_id = await connection.fetchval(
            "SELECT v.id FROM framework_version v JOIN framework f ON f.id = v.framework"
            " WHERE f.is_default AND v.is_current"
        )
        competences = [
            (r["id"], r["code"], r["socle"], r["slot"])
            for r in await connection.fetch(
                "SELECT c.id, c.code, c.socle, s.slot FROM competence c JOIN competence_slot s ON s.competence = c.id"
                " WHERE c.version = $1 ORDER BY c.position",
                version_id,
            )
        ]
        clock = time.perf_counter()
        indexes = await bulk.drop_secondary_indexes(connection, BULK)
        users, links = gen.user_rows(sites, PASSWORD_HASH, calendar, rng)
        rows = {
            "site": await bulk.copy_all(connection, "site", gen.SITE_COLUMNS, gen.site_rows(sites, calendar, rng)),
            "app_user": await bulk.copy_all(connection, "app_user", gen.USER_COLUMNS, users),
            "user_site": await bulk.copy_all(connection, "user_site", gen.USER_SITE_COLUMNS, links),
        }
        seconds["sites_users"] = time.perf_counter() - clock
        say(f"sites and users: {sum(rows.values())} rows in {seconds['sites_users']:.1f} s")

        clock = time.perf_counter()
        framework = (version_id, competences)
        counts, rss = await rows_phase.load_rows(url, scale, seed, today, sites, framework, workers, say)
        seconds["rows"] = elapsed = time.perf_counter() - clock
        total = sum(counts.values())
        say(f"rows: {total:,} rows in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s): "
            + ", ".join(f"{table} {count:,}" for table, count in counts.items()))  # fmt: skip
        rows |= counts

        clock = time.perf_counter()
        index_seconds = await bulk.rebuild_indexes(url, indexes, rows)
        seconds["indexes"] = time.perf_counter() - clock
        slowest = sorted(index_seconds.items(), key=lambda item: -item[1])[:3]
        say(f"indexes: {len(indexes)} rebuilt in {seconds['indexes']:.1f} s (slowest: "
            + ", ".join(f"{n} {s:.1f} s" for n, s in slowest) + ")")  # fmt: skip
        clock = time.perf_counter()
        await connection.execute(month_triggers.backfill(sqlite=False))  # COPY ran without the app's triggers
        await connection.execute("ANALYZE report_month")
        await bulk.move_sequences(connection, SMALL + BULK)
        await bulk.vacuum_analyze(url, SMALL + BULK, rows)
        seconds["vacuum_analyze"] = time.perf_counter() - clock
        say(f"sequences, VACUUM ANALYZE: {seconds['vacuum_analyze']:.1f} s")
    finally:
        await connection.close()
    by_size = sorted(sites, key=lambda site: (-site.learners, site.id))
    median = by_size[len(by_size) // 2]
    return {
        "rows": rows,
        "rss": rss,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "sites": {"first_id": sites[0].id, "last_id": sites[-1].id, "count": len(sites)},
        "large_site_id": by_size[0].id,
        "largest_sites": [[site.id, site.learners] for site in by_size[:5]],
        "large_site_learners": by_size[0].learners,
        "median_site_id": median.id,
        "median_site_learners": median.learners,
        "framework_version_id": version_id,
        "admin_email": "admin@bench.inclusion.test",
        "password": PASSWORD,
    }


def print_summary(summary: dict) -> None:
    seconds = summary["seconds"]
    print(f"\n{summary['database']}: scale {summary['scale']}, seed {summary['seed']}, as of {summary['as_of']}"
          + (" (reused)" if summary.get("reused") else ""))  # fmt: skip
    print(f"{'table':<22} {'rows':>12}")
    for table, count in summary["rows"].items():
        print(f"{table:<22} {count:>12,}")
    total = sum(summary["rows"].values())
    print(f"{'total':<22} {total:>12,}")
    print("phases: " + ", ".join(f"{name} {value:.1f} s" for name, value in seconds.items()))
    processes = summary.get("peak_rss_mib_by_process", [])
    per_process = f" (per process: {', '.join(map(str, processes))})" if len(processes) > 1 else ""
    print(f"rows/s over the whole build: {total / seconds['total']:,.0f}   peak RSS: {summary['peak_rss_mib']} MiB"
          + per_process)  # fmt: skip
    print(f"sites {summary['sites']['first_id']}–{summary['sites']['last_id']}; largest #{summary['large_site_id']} "
          f"({summary['large_site_learners']:,} learners), median #{summary['median_site_id']} "
          f"({summary['median_site_learners']:,}); login {summary['admin_email']} / {summary['password']}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"default: {DEFAULT_URL}")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 3,000 sites, 1,000,000 learners…")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--workers", type=int, default=1, help="processes drawing rows (default 1)")
    parser.add_argument("--json", action="store_true", help="also print the summary as a JSON object")
    args = parser.parse_args()
    try:
        summary = build(args.database_url, args.scale, args.seed, args.fresh, workers=args.workers)
    except Refused as refused:
        raise SystemExit(str(refused)) from None
    print_summary(summary)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
