"""The report's figures that are not stored per month (`months`), each computed by the database with GROUP BY
site (never a learner row in Python): learners' attributes, vouchers, attendance days, and the divide read
from every level (`packed` reads it from one integer per assessment).

Every statement reads through the scope's clause on (site, date), served by the (site, date) indexes of
assessment, voucher and site_day. The same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from inclusion.reports.scope import ReportScope
from inclusion.storage import db, sql
from inclusion.vouchers.lifecycle import USED

USED_STATUSES = ", ".join(f"'{status.value}'" for status in sorted(USED))


def month_of(column: str) -> str:
    return f"substr({column}, 1, 7)" if db.is_sqlite() else f"to_char({column}, 'YYYY-MM')"


async def people(scope: ReportScope, seen: str, seen_args: list[Any]) -> list[dict[str, Any]]:
    """Per site and dimension: learners accompanied, each counted once per site, by arrival (first visit in the
    period or before), age band, gender, status, QPV, commune of residence (INSEE code). `seen` is SQL of CTEs
    ending with `seen (site, learner)`, the learners accompanied (see `month_people`)."""
    first_visit, first_args = scope.clause("s.site", "l.first_visit_on")
    dimensions = ("arrival", "age_band", "gender", "social_status", "qpv", "commune")
    selects = " UNION ALL ".join(
        f"SELECT site, '{name}' AS dimension, {name} AS value, COUNT(*) AS n FROM people GROUP BY site, {name}"
        for name in dimensions
    )
    return await sql.fetch(
        f"""
WITH {seen}, people AS (
  SELECT s.site AS site, l.age_band AS age_band, l.gender AS gender, l.social_status AS social_status,
    l.insee_code AS commune,
    CASE WHEN l.qpv THEN 'oui' ELSE 'non' END AS qpv,
    CASE WHEN {first_visit} THEN 'nouveau' ELSE 'deja_venu' END AS arrival
  FROM seen s JOIN learner l ON l.id = s.learner AND {scope.sites_clause("l.site")}
)
{selects}""",
        *seen_args,
        *first_args,
    )


async def vouchers(scope: ReportScope) -> list[dict[str, Any]]:
    """Per site: vouchers handed in the period, those of them already used, and vouchers used in the period."""
    issued, issued_args = scope.clause("v.site", "v.issued_on")
    redeemed, redeemed_args = scope.clause("v.site", "v.redeemed_on")
    return await sql.fetch(
        f"""
SELECT v.site AS site,
  SUM(CASE WHEN {issued} THEN 1 ELSE 0 END) AS distributed,
  SUM(CASE WHEN {issued} AND v.status IN ({USED_STATUSES}) THEN 1 ELSE 0 END) AS distributed_used,
  SUM(CASE WHEN {redeemed} AND v.status IN ({USED_STATUSES}) THEN 1 ELSE 0 END) AS redeemed
FROM voucher v WHERE {issued} OR {redeemed}
GROUP BY v.site""",
        *issued_args,
        *issued_args,
        *redeemed_args,
        *issued_args,
        *redeemed_args,
    )


async def site_days(scope: ReportScope) -> list[dict[str, Any]]:
    where, args = scope.clause("d.site", "d.day")
    return await sql.fetch(
        f"""
SELECT d.site AS site, SUM(CASE WHEN d.open THEN 1 ELSE 0 END) AS open_days, SUM(d.visitors) AS visitors
FROM site_day d WHERE {where}
GROUP BY d.site""",
        *args,
    )


def id_list(values: list[int]) -> str:
    return ", ".join(str(int(value)) for value in values) or "0"


def ordered_level(days: str, assessment_id: str, level: str) -> str:
    """One integer per rating that sorts like (day, assessment id) and carries the level in its last 4 bits:
    MIN() of it gives the first rating's level (% 16), MAX() the last one's, in one pass without sorting."""
    day_number = f"({days} - DATE '2000-01-01')"
    if db.is_sqlite():
        day_number = f"CAST(julianday({days}) - 2451544.5 AS INTEGER)"
    return f"(({day_number} * 4294967296 + {assessment_id}) * 16 + {level})"


def same_competence(column: str, same_code: dict[int, int]) -> str:
    """The competence a rating counts for: versions of a framework that share a code share one id here (the
    lowest of that code), so ratings made under an older version follow on from the current one's."""
    if not same_code:
        return column
    cases = " ".join(f"WHEN {int(old)} THEN {int(new)}" for old, new in sorted(same_code.items()))
    return f"CASE {column} {cases} ELSE {column} END"


async def divide(
    scope: ReportScope,
    version_ids: list[int],
    same_code: dict[int, int],
    socle_ids: list[int],
    levels: list[int],
    autonomous: int,
    learners: tuple[str, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    """Per learner and competence (of the learners `learners`, SQL on `a` and its arguments, keeps, if given), the
    level at the first and at the last assessment of the period that rated it; then per site: `fragility` rows (n0
    learners with a socle competence rated, n1 fragile at entry, n2 at the latest; p0 learners whose socle was rated
    by two assessments or more, p1 and p2 those of them fragile at entry
    and at the latest) and per competence `competence` rows (entry levels, latest levels, not autonomous at entry,
    of whom became autonomous), each with its competence id (see `_same_competence`; 0 on `fragility` rows)."""
    where, args = scope.clause("a.site", "a.assessed_on")
    if learners is not None:
        where, args = f"({where}) AND ({learners[0]})", [*args, *learners[1]]
    width = 2 * len(levels) + 2
    entry = [f"SUM(CASE WHEN entry = {int(level)} THEN 1 ELSE 0 END)" for level in levels]
    latest = [f"SUM(CASE WHEN latest = {int(level)} THEN 1 ELSE 0 END)" for level in levels]
    moved = [
        f"SUM(CASE WHEN entry < {int(autonomous)} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN entry < {int(autonomous)} AND latest >= {int(autonomous)} THEN 1 ELSE 0 END)",
    ]
    counts = ", ".join(f"{expression} AS n{i}" for i, expression in enumerate(entry + latest + moved))
    fragility = ["COUNT(*)", "SUM(fragile_entry)", "SUM(fragile_latest)"] + ["0"] * (width - 3)
    fragility_columns = ", ".join(f"{expression} AS n{i}" for i, expression in enumerate(fragility))
    paired = "SUM(paired) AS p0, SUM(paired * fragile_entry) AS p1, SUM(paired * fragile_latest) AS p2"
    ordered = ordered_level("a.assessed_on", "a.id", "l.level")
    competence = same_competence("l.competence", same_code)
    return await sql.fetch(
        f"""
WITH pairs AS (
  SELECT a.site AS site, a.learner AS learner, {competence} AS competence,
    MAX(CASE WHEN l.competence IN ({id_list(socle_ids)}) THEN 1 ELSE 0 END) AS socle,
    MIN({ordered}) % 16 AS entry, MAX({ordered}) % 16 AS latest,
    MIN({ordered}) / 16 AS first_key, MAX({ordered}) / 16 AS last_key
  FROM assessment a JOIN assessment_level l ON l.assessment = a.id
  WHERE a.version IN ({id_list(version_ids)}) AND {where}
  GROUP BY a.site, a.learner, {competence}
), learners AS (
  SELECT site, learner,
    MAX(CASE WHEN entry < {int(autonomous)} THEN 1 ELSE 0 END) AS fragile_entry,
    MAX(CASE WHEN latest < {int(autonomous)} THEN 1 ELSE 0 END) AS fragile_latest,
    CASE WHEN MIN(first_key) < MAX(last_key) THEN 1 ELSE 0 END AS paired
  FROM pairs WHERE socle = 1
  GROUP BY site, learner
)
SELECT 'fragility' AS kind, site, 0 AS competence, {fragility_columns}, {paired} FROM learners GROUP BY site
UNION ALL
SELECT 'competence' AS kind, site, competence, {counts}, 0 AS p0, 0 AS p1, 0 AS p2 FROM pairs
GROUP BY site, competence""",
        *args,
    )
