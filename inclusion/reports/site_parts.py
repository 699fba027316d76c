"""Each site's share of the outcomes report, kept from one report to the next while nothing it counts changes.

The report's month figures, learners accompanied and divide rows are all per site; the whole set's column is
their sum (`assemble.Columns`). So a site's rows for one *scope key* (its days in the report, the default
framework's key, and COUNTING, the version of the counting code) are stored as JSON beside the site's *stamp*:
the sum of the live versions of its `report_month` rows and how many there are. Triggers count one more for
every change to its activities, their topics and participants, its assessments (`month_triggers`), and the
files of its learners (the PEOPLE row). Versions only grow, so any change gives the site a new stamp, and a
stored share counts only while its stamp is the site's now.

The stamp is read before the share is computed: a change in between leaves a share newer than its stamp, which
the next report computes again, never a share older than its stamp. Vouchers and attendance days are cheap and
always read from the records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Any

import msgspec

from inclusion.reports.scope import ReportScope, Window
from inclusion.storage import db, sql

COUNTING = 3
"""Raise it when the report counts differently: every stored share is then computed again (3: an activity counted
once per device; partners per month)."""
PARTS = ("volume", "present", "topics", "referrals", "monthly", "people", "divide", "breakdowns")
UNIQUE_INDEX = "CREATE UNIQUE INDEX report_site_part_unique ON report_site_part (site, scope_key)"
SITES_PER_STORE = 100
KEEP_DAYS = 7
"""A share not computed again for this long is deleted by the daily upkeep (yesterday's default period...)."""
NO_CHANGE = "0:0"

_encode = msgspec.json.Encoder(decimal_format="number").encode
_decode = msgspec.json.Decoder().decode


def scope_key(windows: Iterable[Window], framework_key: str) -> str:
    days = ";".join(f"{start.isoformat()}:{end.isoformat()}" for start, end in windows)
    return hashlib.sha256(f"{COUNTING}|{framework_key}|{days}".encode()).hexdigest()


def narrowed(scope: ReportScope, site_ids: list[int]) -> ReportScope:
    """The same report for some of its sites only."""
    kept = set(site_ids)
    sites = [site for site in scope.sites if site["id"] in kept]
    return ReportScope(scope.date_from, scope.date_to, sites, {site: scope.windows[site] for site in kept})


async def stamps(scope: ReportScope) -> dict[int, str]:
    """Each site's stamp now (sites without any change so far: NO_CHANGE)."""
    pending = "0" if db.is_sqlite() else "(SELECT COUNT(*) FROM report_month_change c WHERE c.site = m.site)"
    rows = await sql.fetch(
        f"SELECT m.site AS site, SUM(m.version) AS v, COUNT(*) AS n, {pending} AS c FROM report_month m "
        f"WHERE {scope.sites_clause('m.site')} GROUP BY m.site"
    )
    return {row["site"]: f"{int(row['v']) + int(row['c'])}:{row['n']}" for row in rows}


class Shares(msgspec.Struct):
    rows: dict[str, list[dict[str, Any]]]  # per part, the rows of the sites found
    missing: list[int]  # sites to compute
    stamps: dict[int, str]
    keys: dict[int, str]


async def read(scope: ReportScope, framework_key: str) -> Shares:
    """The stored shares of the scope's sites that still hold, and which sites have none."""
    site_stamps = await stamps(scope)
    keys = {site: scope_key(scope.windows[site], framework_key) for site in scope.site_ids}
    wanted = sorted(set(keys.values()))
    stored = await sql.fetch(
        f"SELECT site, scope_key, stamp, payload FROM report_site_part p WHERE {scope.sites_clause('p.site')} "
        f"AND scope_key IN ({sql.marks(len(wanted))})",
        *wanted,
    ) if wanted else []  # fmt: skip
    rows: dict[str, list[dict[str, Any]]] = {part: [] for part in PARTS}
    found = set()
    for share in stored:
        site = share["site"]
        if keys.get(site) == share["scope_key"] and share["stamp"] == site_stamps.get(site, NO_CHANGE):
            for part, part_rows in _decode(share["payload"]).items():
                rows[part] += part_rows
            found.add(site)
    return Shares(rows, [site for site in scope.site_ids if site not in found], site_stamps, keys)


async def store(shares: Shares, site_ids: list[int], computed: dict[str, list[dict[str, Any]]], today: date) -> None:
    """Keep the computed rows of these sites (all of them, a site with no row too) under the stamps read before."""
    per_site: dict[int, dict[str, list[dict[str, Any]]]] = {site: {part: [] for part in PARTS} for site in site_ids}
    for part in PARTS:
        for row in computed[part]:
            if (rows := per_site.get(row["site"])) is not None:  # a site created since the scope was read: not kept
                rows[part].append(row)
    values = [
        (site, shares.keys[site], shares.stamps.get(site, NO_CHANGE), _encode(per_site[site]).decode(), today)
        for site in site_ids
    ]
    for start in range(0, len(values), SITES_PER_STORE):
        chunk = values[start : start + SITES_PER_STORE]
        tuples = ", ".join(f"({sql.marks(5)})" for _ in chunk)
        try:
            await sql.fetch(
                f"INSERT INTO report_site_part (site, scope_key, stamp, payload, computed_on) VALUES {tuples} "
                "ON CONFLICT (site, scope_key) DO UPDATE SET stamp = excluded.stamp, payload = excluded.payload, "
                "computed_on = excluded.computed_on",
                *[value for row in chunk for value in row],
            )
        except Exception as error:  # a site deleted meanwhile: these shares are not kept, the report still answers
            if not db.is_integrity_error(error):
                raise


def merged(shares: Shares, computed: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {part: shares.rows[part] + computed[part] for part in PARTS}


async def forget_old(today: date) -> None:
    """Delete the shares nobody has computed again for KEEP_DAYS days."""
    await sql.fetch(
        "DELETE FROM report_site_part WHERE computed_on < {}", date.fromordinal(today.toordinal() - KEEP_DAYS)
    )
