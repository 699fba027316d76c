"""Storing sites' parts (`split_parts`) and their territories' sums (`rollups`) together.

Every transaction that replaces parts takes ROLLUP_LOCK (PostgreSQL; SQLite has one writer), reads the parts it
replaces, writes the new ones and moves the sums of their sites' départements and régions by (new − old), so a sum
always equals its members' stored parts at the stamps it records. A sum that cannot be moved (it did not sum the
site at the replaced stamps) is deleted; `sum_rollup` sums one again from its sites' stored parts, under the same
lock, when they all stand at their stamps now.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from inclusion.reports import rollups, site_parts
from inclusion.reports.months import plan as month_plan
from inclusion.reports.split_parts import KINDS, Period
from inclusion.storage import db, sql

ROLLUP_LOCK = 7_301_004  # an advisory lock: one transaction at a time moves parts and their rollups
SITES_PER_STORE = 400
Rows = dict[str, list[dict[str, Any]]]


def _store(period: Period, new: dict[int, dict[str, tuple[str, Rows]]], where: dict, today: date):
    """One transaction: these sites' new parts replace their old ones, and their territories' rollups move by the
    difference (or are deleted when they cannot)."""
    if not db.is_sqlite():
        yield f"SELECT pg_advisory_xact_lock({ROLLUP_LOCK})", []
    sites = sorted(new)
    replaced = " OR ".join(
        f"(scope_key = '{key}' AND site IN ({', '.join(str(s) for s in sites if kind in new[s]) or '0'}))"
        for kind, key in period.keys.items()
    )  # the old rows of the parts replaced: the others keep theirs
    stored = yield (
        f"SELECT site, scope_key, stamp, CASE WHEN {replaced} THEN payload ELSE '' END AS payload "
        f"FROM report_site_part WHERE {month_plan.sites_in('site', sites)} AND scope_key IN ({sql.marks(len(KINDS))})",
        list(period.keys.values()),
    )
    old: dict[int, dict[str, tuple[str, Rows]]] = {}
    for row in stored:
        rows = site_parts._decode(row["payload"]) if row["payload"] else {}
        old.setdefault(row["site"], {})[period.kind_of[row["scope_key"]]] = (row["stamp"], rows)
    values = []
    for site in sites:
        for kind, key in period.keys.items():
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
        for kind in KINDS:
            if kind not in after and kind in before:
                after[kind] = before[kind]
        if set(after) != set(KINDS):
            continue
        old_stamps = [before[k][0] for k in KINDS] if set(before) == set(KINDS) else None
        old_rows = [before[k][1] for k in new[site] if k in before]
        change = (old_stamps, [after[k][0] for k in KINDS], _joined(old_rows),
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
    kept, dropped = {}, []
    for row in found:
        territory = row["territory"]
        rollup = rollups.Rollup(
            {int(s): v for s, v in rollups._decode(row["members"]).items()}, rollups._decode(row["payload"])
        )
        after = rollups.moved(rollup, changes[territory])
        if after is None:
            dropped.append(territory)
        else:
            kept[territory] = after
    if dropped:
        yield (
            f"DELETE FROM report_rollup WHERE scope_key = {{}} AND territory IN ({sql.marks(len(dropped))})",
            [period.rollup_key, *dropped],
        )
    if kept:
        yield rollups.upsert(kept, period.rollup_key, today)


def _joined(shares: list[Rows]) -> Rows:
    return {part: [row for rows in shares for row in rows.get(part, [])] for part in site_parts.PARTS}


async def store(period: Period, new: dict[int, dict[str, tuple[str, Rows]]], where: dict, today: date) -> None:
    """Store the new parts, SITES_PER_STORE sites a transaction taken région by région (a rollup is read and
    written once or twice)."""
    ordered = sorted(new, key=lambda site: (where.get(site, ("", ""))[1], site))
    for start in range(0, len(ordered), SITES_PER_STORE):
        chunk = {site: new[site] for site in ordered[start : start + SITES_PER_STORE]}
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
        f"AND scope_key IN ({sql.marks(len(KINDS))})",
        list(period.keys.values()),
    )
    index = {(row["site"], row["scope_key"]): row for row in stored}
    total = rollups.Sums()
    for site in sites:
        for position, key in enumerate(period.keys.values()):
            row = index.get((site, key))
            if row is None or row["stamp"] != live[site][position]:
                return None
            total.add(site_parts._decode(row["payload"]))
    rollup = rollups.Rollup(dict(live), total.rows(None))
    yield rollups.upsert({territory: rollup}, period.rollup_key, today)
    return rollup


async def sum_rollup(period: Period, territory: str, live: dict[int, list[str]], today: date):
    return await sql.transact(_summed(period, territory, live, today))
