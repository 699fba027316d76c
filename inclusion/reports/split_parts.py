"""Each site's share of the default period's report, stored in three parts so that a day's writes recompute little.

The default period (the last 12 months, `check_period`) splits at the first of the current month:

- the *closed* part, the figures and divide of the days before (whole months but the first), is stamped with the
  versions of those months: it changes only when someone edits the past;
- the *people* part, the learners accompanied in those days, is stamped with those months and the site's
  learners' files (the PEOPLE row): a file added or changed recomputes it, not the closed months' divide;
- the *current* part, stamped with every month of the period and the PEOPLE row, holds what the current month
  adds: its activity figures (additive), the learners it accompanied who were not accompanied in the closed days
  (counted once per site: the rows of `queries.people` for them alone), and for the learners assessed this month,
  L′, the divide over the whole period minus the divide over the closed days (each learner's divide rows add up
  to the site's, so divide(full) = divide(closed) − divide(closed, L′) + divide(full, L′)).

So the site's rows are its three parts' together, and a write this month recomputes the current part alone: one
site-month and two small deltas. Each part is counted from the records (and the stored months), so each holds on
its own stamp. Learners are counted whatever the site of their file, as in the whole network's report. Parts are
`report_site_part` rows under their own scope keys; storing them moves the sums of the site's territories in the
same transaction (`rollup_store`).
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
from datetime import date, timedelta
from typing import Any

from inclusion.reports import queries, rollups, site_parts
from inclusion.reports.divide import entry_latest_rows
from inclusion.reports.months import people as month_people
from inclusion.reports.months import plan as month_plan
from inclusion.reports.months import stored as months
from inclusion.reports.months.triggers import PEOPLE
from inclusion.reports.scope import ReportScope
from inclusion.storage import db, sql

Rows = dict[str, list[dict[str, Any]]]
KINDS = ("closed", "people", "current")
"""A site's parts, each stamped with what it counts: the closed days' figures and divide (their months), their
learners accompanied (their months and the learners' files: the PEOPLE row), the current month's additions (every
month of the period and the PEOPLE row)."""


class Period:
    """The default period up to `today`, and its split at the first of the current month."""

    def __init__(self, start: date, today: date, framework_key: str) -> None:
        self.start, self.today = start, today
        self.first = today.replace(day=1)
        self.closed_end = self.first - timedelta(days=1)
        days = f"{site_parts.COUNTING}|{framework_key}|{start.isoformat()}|{today.isoformat()}"
        self.keys = {kind: hashlib.sha256(f"{kind}|{days}".encode()).hexdigest() for kind in KINDS}
        self.kind_of = {key: kind for kind, key in self.keys.items()}
        self.rollup_key = hashlib.sha256(f"rollup|{days}".encode()).hexdigest()

    def scope(self, sites: list[int], start: date, end: date) -> ReportScope:
        return ReportScope(start, end, [{"id": s, "name": ""} for s in sites], {s: [(start, end)] for s in sites})

    def everyone(self) -> ReportScope:
        """The scope learners are counted in: whatever their file's site, new when first seen in the period."""
        return ReportScope(self.start, self.today, [], {}, every_site=True)


def applies(start: date, today: date) -> bool:
    return start < today.replace(day=1)


async def stamps(period: Period, sites: list[int] | None) -> dict[int, list[str]]:
    """Each site's stamps now, one per kind of part (KINDS): versions summed, with their count of rows."""
    first, now = month_plan.month_name(period.start), month_plan.month_name(period.today)
    closed, people = f"(m.month <> '{PEOPLE}' AND m.month < {{}})", f"m.month = '{PEOPLE}'"
    kept = f"(m.month = '{PEOPLE}' OR (m.month >= {{}} AND m.month <= {{}})) AND {month_plan.sites_in('m.site', sites)}"
    parts = [
        f"SELECT m.site AS site, CASE WHEN {closed} THEN m.version ELSE 0 END AS cv, "
        f"CASE WHEN {closed} THEN 1 ELSE 0 END AS cn, CASE WHEN {people} THEN m.version ELSE 0 END AS pv, "
        f"CASE WHEN {people} THEN 1 ELSE 0 END AS pn, m.version AS fv, 1 AS fn FROM report_month m WHERE {kept}"
    ]
    args: list[Any] = [now, now, first, now]
    if not db.is_sqlite():
        parts.append(
            f"SELECT m.site, CASE WHEN {closed} THEN 1 ELSE 0 END, 0, CASE WHEN {people} THEN 1 ELSE 0 END, 0, 1, 0 "
            f"FROM report_month_change m WHERE {kept}"
        )
        args += [now, first, now]
    sums = ", ".join(f"SUM({name}) AS {name}" for name in ("cv", "cn", "pv", "pn", "fv", "fn"))
    rows = await sql.fetch(f"SELECT site, {sums} FROM (" + " UNION ALL ".join(parts) + ") x GROUP BY site", *args)
    found = {
        row["site"]: [
            f"{int(row['cv'])}:{int(row['cn'])}",
            f"{int(row['cv']) + int(row['pv'])}:{int(row['cn']) + int(row['pn'])}",
            f"{int(row['fv'])}:{int(row['fn'])}",
        ]
        for row in rows
    }
    return collections.defaultdict(lambda: [site_parts.NO_CHANGE] * len(KINDS), found)


async def _figures(plan: month_plan.Plan, store: bool = True) -> Rows:
    """The plan's activity figures; its whole months stored first if `store` (not the current month, which the
    day's writes change again and again: it is summed from its records as days, in one range for every site)."""
    if store:
        await month_plan.close_open_months(plan)
        await months.refresh(plan)
    return await months.activity_figures(plan)


async def closed_parts(period: Period, sites: list[int], framework: dict[str, Any] | None) -> Rows:
    """The closed days' rows of these sites."""
    scope = period.scope(sites, period.start, period.closed_end)
    plan = month_plan.Plan(scope, framework)
    figures = await _figures(plan)
    return {**figures, "divide": await entry_latest_rows(scope, framework)}


async def people_parts(period: Period, sites: list[int], framework: dict[str, Any] | None) -> Rows:
    """The learners accompanied at these sites in the closed days (their whole months as stored by
    `closed_parts`), counted by `queries.people`."""
    plan = month_plan.Plan(period.scope(sites, period.start, period.closed_end), framework)
    return {"people": await queries.people(period.everyone(), *month_people.seen(plan))}


def _newly_seen(period: Period, sites: list[int]) -> tuple[str, list[Any]]:
    """CTEs ending with `seen (site, learner)`: learners accompanied at these sites in the current month and not in
    the closed days."""
    where = month_plan.sites_in("a.site", sites)
    closed = [period.start, period.closed_end]
    sql_text = f"""current_contacts AS MATERIALIZED (
  SELECT a.site AS site, a.learner AS learner FROM activity a
  WHERE {where} AND a.date BETWEEN {{}} AND {{}} AND a.learner IS NOT NULL
  UNION SELECT a.site, p.learner FROM activity a JOIN activity_participant p ON p.activity = a.id
  WHERE {where} AND a.date BETWEEN {{}} AND {{}} AND p.present = {{}}
), seen AS (
  SELECT c.site AS site, c.learner AS learner FROM current_contacts c
  WHERE NOT EXISTS (SELECT 1 FROM activity b WHERE b.learner = c.learner AND b.site = c.site
    AND b.date BETWEEN {{}} AND {{}} LIMIT 1 OFFSET 0)
  AND NOT EXISTS (SELECT 1 FROM activity_participant q JOIN activity b ON b.id = q.activity
    WHERE q.learner = c.learner AND q.present = {{}} AND b.site = c.site AND b.date BETWEEN {{}} AND {{}}
    LIMIT 1 OFFSET 0)
)"""  # OFFSET: PostgreSQL then looks each learner up by index, rather than hashing a year of participants
    now = [period.first, period.today]
    return sql_text, [*now, *now, True, *closed, True, *closed]


def _negated(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {field: -(value or 0) if rollups.is_count(field) else value for field, value in row.items()} for row in rows
    ]


async def current_parts(period: Period, sites: list[int], framework: dict[str, Any] | None) -> Rows:
    """What the current month adds to the closed days' rows of these sites."""
    plan = month_plan.Plan(period.scope(sites, period.first, period.today), framework)
    figures = await _figures(plan, store=False)
    assessed = (
        "EXISTS (SELECT 1 FROM assessment c WHERE c.site = a.site AND c.learner = a.learner "
        "AND c.assessed_on BETWEEN {} AND {})",
        [period.first, period.today],
    )
    people, full, closed = await asyncio.gather(
        queries.people(period.everyone(), *_newly_seen(period, sites)),
        entry_latest_rows(period.scope(sites, period.start, period.today), framework, assessed),
        entry_latest_rows(period.scope(sites, period.start, period.closed_end), framework, assessed),
    )
    return {**figures, "people": people, "divide": full + _negated(closed)}


def per_site(rows: Rows, sites: list[int]) -> dict[int, Rows]:
    found: dict[int, Rows] = {site: {part: [] for part in site_parts.PARTS} for site in sites}
    for part in site_parts.PARTS:
        for row in rows.get(part, []):
            if (mine := found.get(row["site"])) is not None:
                mine[part].append(row)
    return found


async def read(period: Period, sites: list[int], wanted: set[int] | None = None) -> dict[int, dict[str, tuple]]:
    """The stored parts of these sites: {site: {kind: (stamp, rows)}}, rows empty but for the sites `wanted` (None:
    all)."""
    found: dict[int, dict[str, tuple[str, Rows]]] = {}
    payload = "payload"
    if wanted is not None:
        payload = f"CASE WHEN {month_plan.sites_in('site', sorted(wanted))} THEN payload ELSE '' END"
    for start in range(0, len(sites), 500):
        chunk = sites[start : start + 500]
        for row in await sql.fetch(
            f"SELECT site, scope_key, stamp, {payload} AS payload FROM report_site_part "
            f"WHERE {month_plan.sites_in('site', chunk)} AND scope_key IN ({sql.marks(len(KINDS))})",
            *period.keys.values(),
        ):  # fmt: skip
            rows = site_parts._decode(row["payload"]) if row["payload"] else {}
            found.setdefault(row["site"], {})[period.kind_of[row["scope_key"]]] = (row["stamp"], rows)
    return found
