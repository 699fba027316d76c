"""Each site's share of the default period's report, stored in two parts so that a day's writes recompute little.

The default period (the last 12 months, `check_period`) splits at the first of the current month:

- the *closed* part, the days before (whole months but the first), summed like any share (`site_parts`), is
  stamped with the versions of those months and of the site's learners' files (the PEOPLE row): it changes only
  when someone edits the past or a learner's file;
- the *current* part, stamped with every month of the period and the PEOPLE row, holds what the current month
  adds: its activity figures (additive), the learners it accompanied who were not accompanied in the closed days
  (counted once per site: the rows of `queries.people` for them alone), and for the learners assessed this month,
  L′, the divide over the whole period minus the divide over the closed days (each learner's divide rows add up
  to the site's, so divide(full) = divide(closed) − divide(closed, L′) + divide(full, L′)).

So the site's rows are the closed part's and the current part's together, and a write this month recomputes
the current part alone: one site-month and two small deltas. Learners are counted whatever the site of their
file, as in the whole network's report. Parts are `report_site_part` rows under their own scope keys; storing
them moves the rollups of the site's territories in the same transaction (`rollups`).
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

ROLLUP_LOCK = 7_301_004  # an advisory lock: one transaction at a time moves parts and their rollups
Rows = dict[str, list[dict[str, Any]]]


class Period:
    """The default period up to `today`, and its split at the first of the current month."""

    def __init__(self, start: date, today: date, framework_key: str) -> None:
        self.start, self.today = start, today
        self.first = today.replace(day=1)
        self.closed_end = self.first - timedelta(days=1)
        days = f"{site_parts.COUNTING}|{framework_key}|{start.isoformat()}|{today.isoformat()}"
        self.closed_key, self.current_key, self.rollup_key = (
            hashlib.sha256(f"{kind}|{days}".encode()).hexdigest() for kind in ("closed", "current", "rollup")
        )

    def scope(self, sites: list[int], start: date, end: date) -> ReportScope:
        return ReportScope(start, end, [{"id": s, "name": ""} for s in sites], {s: [(start, end)] for s in sites})

    def everyone(self) -> ReportScope:
        """The scope learners are counted in: whatever their file's site, new when first seen in the period."""
        return ReportScope(self.start, self.today, [], {}, every_site=True)


def applies(start: date, today: date) -> bool:
    return start < today.replace(day=1)


async def stamps(period: Period, sites: list[int] | None) -> dict[int, list[str]]:
    """Each site's [closed, full] stamps now (versions summed with their count of rows)."""
    first, now = month_plan.month_name(period.start), month_plan.month_name(period.today)
    closed = f"(m.month = '{PEOPLE}' OR m.month < {{}})"
    kept = f"(m.month = '{PEOPLE}' OR (m.month >= {{}} AND m.month <= {{}})) AND {month_plan.sites_in('m.site', sites)}"
    parts = [
        f"SELECT m.site AS site, CASE WHEN {closed} THEN m.version ELSE 0 END AS cv, "
        f"CASE WHEN {closed} THEN 1 ELSE 0 END AS cn, m.version AS fv, 1 AS fn FROM report_month m WHERE {kept}"
    ]
    args: list[Any] = [now, now, first, now]
    if not db.is_sqlite():
        parts.append(
            f"SELECT m.site, CASE WHEN {closed} THEN 1 ELSE 0 END, 0, 1, 0 FROM report_month_change m WHERE {kept}"
        )
        args += [now, first, now]
    rows = await sql.fetch(
        "SELECT site, SUM(cv) AS cv, SUM(cn) AS cn, SUM(fv) AS fv, SUM(fn) AS fn FROM ("
        + " UNION ALL ".join(parts) + ") x GROUP BY site",
        *args,
    )  # fmt: skip
    found = {row["site"]: [f"{int(row['cv'])}:{int(row['cn'])}", f"{int(row['fv'])}:{int(row['fn'])}"] for row in rows}
    return collections.defaultdict(lambda: [site_parts.NO_CHANGE, site_parts.NO_CHANGE], found)


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
    people, divide = await asyncio.gather(
        queries.people(period.everyone(), *month_people.seen(plan)), entry_latest_rows(scope, framework)
    )
    return {**figures, "people": people, "divide": divide}


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
    """The stored parts of these sites: {site: {"closed" | "current": (stamp, rows)}}, rows empty but for the sites
    `wanted` (None: all)."""
    found: dict[int, dict[str, tuple[str, Rows]]] = {}
    kinds = {period.closed_key: "closed", period.current_key: "current"}
    payload = "payload"
    if wanted is not None:
        payload = f"CASE WHEN {month_plan.sites_in('site', sorted(wanted))} THEN payload ELSE '' END"
    for start in range(0, len(sites), 500):
        chunk = sites[start : start + 500]
        for row in await sql.fetch(
            f"SELECT site, scope_key, stamp, {payload} AS payload FROM report_site_part "
            f"WHERE {month_plan.sites_in('site', chunk)} AND scope_key IN ({{}}, {{}})",
            period.closed_key, period.current_key,
        ):  # fmt: skip
            rows = site_parts._decode(row["payload"]) if row["payload"] else {}
            found.setdefault(row["site"], {})[kinds[row["scope_key"]]] = (row["stamp"], rows)
    return found


def _store(period: Period, new: dict[int, dict[str, tuple[str, Rows]]], where: dict, today: date):
    """One transaction: these sites' new parts replace their old ones, and their territories' rollups move by the
    difference (or are deleted when they cannot)."""
    if not db.is_sqlite():
        yield f"SELECT pg_advisory_xact_lock({ROLLUP_LOCK})", []
    sites = sorted(new)
    kinds = {period.closed_key: "closed", period.current_key: "current"}
    replaced = " OR ".join(
        f"(scope_key = '{key}' AND site IN ({', '.join(str(s) for s in sites if kind in new[s]) or '0'}))"
        for key, kind in kinds.items()
    )  # the old rows of the parts replaced: the others keep theirs
    stored = yield (
        f"SELECT site, scope_key, stamp, CASE WHEN {replaced} THEN payload ELSE '' END AS payload "
        f"FROM report_site_part WHERE {month_plan.sites_in('site', sites)} AND scope_key IN ({{}}, {{}})",
        [period.closed_key, period.current_key],
    )
    old: dict[int, dict[str, tuple[str, Rows]]] = {}
    for row in stored:
        rows = site_parts._decode(row["payload"]) if row["payload"] else {}
        old.setdefault(row["site"], {})[kinds[row["scope_key"]]] = (row["stamp"], rows)
    values = []
    for site in sites:
        for kind, key in (("closed", period.closed_key), ("current", period.current_key)):
            if kind in new[site]:
                stamp, rows = new[site][kind]
                values += [site, key, stamp, site_parts._encode(rows).decode(), today]
    marks = ", ".join(f"({sql.marks(5)})" for _ in range(len(values) // 5))
    yield (
        f"INSERT INTO report_site_part (site, scope_key, stamp, payload, computed_on) VALUES {marks} "
        "ON CONFLICT (site, scope_key) DO UPDATE SET stamp = excluded.stamp, payload = excluded.payload, "
        "computed_on = excluded.computed_on",
        values,
    )
    changes: dict[str, dict[int, tuple]] = {}
    for site in sites:
        before, after = old.get(site, {}), new[site] | {}
        for kind in ("closed", "current"):
            if kind not in after and kind in before:
                after[kind] = before[kind]
        if set(after) != {"closed", "current"}:
            continue
        old_stamps = [before[k][0] for k in ("closed", "current")] if set(before) == {"closed", "current"} else None
        old_rows = [before[k][1] for k in new[site] if k in before]
        change = (old_stamps, [after["closed"][0], after["current"][0]], _joined(old_rows),
                  _joined([new[site][k][1] for k in new[site]]))  # fmt: skip
        for territory in where.get(site, ()):
            changes.setdefault(territory, {})[site] = change
    if not changes:
        return
    names = sorted(changes)
    found = yield (
        f"SELECT territory, members, payload FROM report_rollup WHERE scope_key = {{}} "
        f"AND territory IN ({sql.marks(len(names))})",
        [period.rollup_key, *names],
    )
    for row in found:
        territory = row["territory"]
        rollup = rollups.Rollup(
            {int(s): v for s, v in rollups._decode(row["members"]).items()}, rollups._decode(row["payload"])
        )
        after = rollups.moved(rollup, changes[territory])
        if after is None:
            yield "DELETE FROM report_rollup WHERE territory = {} AND scope_key = {}", [territory, period.rollup_key]
        else:
            yield rollups.upsert(territory, period.rollup_key, after, today)


def _joined(shares: list[Rows]) -> Rows:
    return {part: [row for rows in shares for row in rows.get(part, [])] for part in site_parts.PARTS}


async def store(period: Period, new: dict[int, dict[str, tuple[str, Rows]]], where: dict, today: date) -> None:
    """Store the new parts by région (one transaction each: each rollup is read and written once)."""
    groups: dict[str, dict[int, dict[str, tuple[str, Rows]]]] = {}
    for site, parts in new.items():
        groups.setdefault(where.get(site, ("", ""))[1], {})[site] = parts
    for _, group in sorted(groups.items()):
        for start in range(0, len(group), 400):
            chunk = dict(list(group.items())[start : start + 400])
            try:
                await sql.transact(_store(period, chunk, where, today))
            except Exception as error:  # a site deleted meanwhile: not kept, the report still answers
                if not db.is_integrity_error(error):
                    raise


def _summed(period: Period, territory: str, live: dict[int, list[str]], today: date):
    """One transaction: the territory's rollup summed from its sites' stored parts when they are all at their stamps
    now (`live`), and stored; else None (a site changed meanwhile: the next report sums it)."""
    if not db.is_sqlite():
        yield f"SELECT pg_advisory_xact_lock({ROLLUP_LOCK})", []
    sites = sorted(live)
    stored = yield (
        f"SELECT site, scope_key, stamp, payload FROM report_site_part WHERE {month_plan.sites_in('site', sites)} "
        "AND scope_key IN ({}, {})",
        [period.closed_key, period.current_key],
    )
    index = {(row["site"], row["scope_key"]): row for row in stored}
    total = rollups.Sums()
    for site in sites:
        for position, key in enumerate((period.closed_key, period.current_key)):
            row = index.get((site, key))
            if row is None or row["stamp"] != live[site][position]:
                return None
            total.add(site_parts._decode(row["payload"]))
    rollup = rollups.Rollup(dict(live), total.rows(None))
    yield rollups.upsert(territory, period.rollup_key, rollup, today)
    return rollup


async def sum_rollup(period: Period, territory: str, live: dict[int, list[str]], today: date):
    return await sql.transact(_summed(period, territory, live, today))
