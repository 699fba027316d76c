"""The report's "Qualité du service rendu" at national scale (issue 26): its two grouped reads and its tables.

Fills a new PostgreSQL database (`--database-url`, migrated here, dropped at the end unless `--keep`) with
`--sites` sites (default 3,000), each with `--offers` offers a month (default 10) over the last 12 months of
1 to 11 participants, about half of whom answered (≈ 1.1 million answers at the defaults), in a few SQL
statements. Then times, over `--repeats` runs after a warm-up (median and max):

- `query`: `quality.rows`, the two grouped statements on `feedback_offer` and `feedback_answer`;
- `tables exact`: the section's tables as staff read them (`quality.grids` then `grid.publish`, nothing hidden);
- `tables funder`: the same, suppressed (K = 11): beyond 200 sites a (month, site)'s counts are hidden together;
- and the same three for one site of the network.

    .venv/bin/python bench/outcomes_quality.py
    .venv/bin/python bench/outcomes_quality.py --sites 300 --repeats 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FILL = """
INSERT INTO site (name, kind, address, postal_code, city, insee_code, itinerant, opening_hours)
SELECT 'Site ' || g, 'france_services', 'rue', '62000', 'Arras', '62041', false, '[]'
FROM generate_series(1, {sites}) g;
INSERT INTO feedback_offer (activity, site, month, activity_type, participants, answers)
SELECT NULL, s.id, (date '{first}' + (m || ' months')::interval)::date, 'collectif', 1 + (random() * 10)::int, 0
FROM site s, generate_series(0, 11) m, generate_series(1, {offers}) k;
UPDATE feedback_offer SET answers = (participants * random())::int;
INSERT INTO feedback_answer (form, site, month, activity_type, channel, answers, satisfied, needs_met, at_ease, comment)
SELECT (SELECT id FROM feedback_form LIMIT 1), o.site, o.month, 'collectif', 'qr', '{{}}', random() < 0.85, 'oui',
  random() < 0.7, ''
FROM feedback_offer o, generate_series(1, 12) g WHERE g <= o.answers;
ANALYZE;
"""


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, env=env, check=True, capture_output=True)


async def timings(url: str, sites: int, repeats: int) -> None:
    from inclusion.reports import quality
    from inclusion.reports.assemble import Columns
    from inclusion.reports.grid import Privacy, publish
    from inclusion.reports.scope import ReportScope
    from inclusion.settings import Settings
    from inclusion.storage import db, engines
    from inclusion.storage.tables.sites import Site

    engine = engines.create_engine(Settings(database_url=url, secret_key="bench-" + "x" * 40, daily_jobs=False))
    db.bind(engine)
    every = await Site.select(Site.id, Site.name).order_by(Site.id)
    today = date.today()
    start = today.replace(day=1) - timedelta(days=330)
    for label, chosen in ((f"{len(every)} sites", every), ("one site", every[:1])):
        scope = ReportScope(start, today, chosen, {s["id"]: [(start, today)] for s in chosen}, len(chosen) > 1)
        found: dict[str, list[float]] = {"query": [], "tables exact": [], "tables funder": []}
        for attempt in range(repeats + 1):
            began = time.perf_counter()
            rows = await quality.rows(scope)
            query = time.perf_counter() - began
            spent = {"query": query}
            for name, exact in (("tables exact", range(len(chosen) + 1)), ("tables funder", ())):
                began = time.perf_counter()
                [publish(grid, Privacy(11, frozenset(exact))) for grid in quality.grids(Columns(scope.site_ids), rows)]
                spent[name] = time.perf_counter() - began
            if attempt:  # the first run warms the caches
                for name, seconds in spent.items():
                    found[name].append(seconds)
        for name, values in found.items():
            median, most = statistics.median(values) * 1000, max(values) * 1000
            print(f"{label:>12} {name:<14} median {median:7.0f} ms  max {most:7.0f} ms")
    await db.close(engine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/inclusion_bench_quality")
    parser.add_argument("--sites", type=int, default=3000)
    parser.add_argument("--offers", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database (filled again only if empty)")
    args = parser.parse_args()
    admin, _, name = args.database_url.rpartition("/")
    env = {"PATH": "/usr/bin:/bin", "INCLUSION_DATABASE_URL": args.database_url, "INCLUSION_LOG_LEVEL": "WARNING",
           "INCLUSION_SECRET_KEY": "bench-" + "x" * 40}  # fmt: skip
    created = subprocess.run(["psql", f"{admin}/postgres", "-qc", f'CREATE DATABASE "{name}"'], capture_output=True)
    if created.returncode == 0 or not args.keep:
        if created.returncode != 0:
            run(["psql", f"{admin}/postgres", "-qc", f'DROP DATABASE "{name}"'], env)
            run(["psql", f"{admin}/postgres", "-qc", f'CREATE DATABASE "{name}"'], env)
        run([sys.executable, "-m", "inclusion", "migrate"], env)
        first = (date.today().replace(day=1) - timedelta(days=330)).replace(day=1)
        began = time.perf_counter()
        fill = FILL.format(sites=args.sites, offers=args.offers, first=first)
        run(["psql", args.database_url, "-qc", fill], env)
        print(f"filled in {time.perf_counter() - began:.0f} s")
    try:
        asyncio.run(timings(args.database_url, args.sites, args.repeats))
    finally:
        if not args.keep:
            run(["psql", f"{admin}/postgres", "-qc", f'DROP DATABASE "{name}"'], env)


if __name__ == "__main__":
    main()
