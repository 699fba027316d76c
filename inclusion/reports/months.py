"""The report's activity figures (volume per month, present participants, people reached per topic, referrals),
summed once per site and month and kept while that month's activities do not change.

A period splits, per site, into whole months and edge days. Each whole month is read from
`report_month_figure` when its figures were computed at the month's version now (its count of changes, kept by
triggers: `month_triggers`); a month without such figures is computed from the activities and stored
first. Edge days, and any month that changed in between, are computed from the activities. Every statement
reads its figures and the versions they stand for in one snapshot, so a stored figure is never newer or
older than the version it claims.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from inclusion import db, sql
from inclusion.reports.month_triggers import FOLD_LOCK, fold, live_months
from inclusion.reports.queries import month_of
from inclusion.reports.scope import ReportScope

VOLUME = ("activities", "workshops", "named_sessions", "anonymous_sessions", "anonymous_in_workshops", "minutes")
FRESH = "_fresh"  # the row stored with a month's figures: the month was computed at this version


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _split(start: date, end: date) -> tuple[list[str], list[tuple[date, date]]]:
    """The whole months of [start, end] and the days left at its edges."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = end if end.day == monthrange(end.year, end.month)[1] else end.replace(day=1) - timedelta(days=1)
    if first > last:
        return [], [(start, end)]
    months, day = [], first
    while day <= last:
        months.append(_month(day))
        day = (day + timedelta(days=32)).replace(day=1)
    edges = [(start, first - timedelta(days=1))] if start < first else []
    edges += [(last + timedelta(days=1), end)] if end > last else []
    return months, edges


class Plan:
    """Per group of sites sharing their windows: whole months and edge days (`None`: every site)."""

    def __init__(self, scope: ReportScope) -> None:
        groups: dict[tuple, list[int] | None] = {}
        if scope.every_site:
            groups[((scope.date_from, scope.date_to),)] = None
        else:
            for site in scope.site_ids:
                groups.setdefault(tuple(scope.windows[site]), []).append(site)
        self.parts: list[tuple[list[int] | None, list[str], list[tuple[date, date]]]] = []
        for windows, sites in groups.items():
            months, edges = [], []
            for start, end in windows:
                whole, left = _split(start, end)
                months += whole
                edges += left
            self.parts.append((sites, months, edges))

    def month_clause(self, site: str, month: str) -> tuple[str, list[Any]]:
        parts, args = [], []
        for sites, months, _ in self.parts:
            if months:
                parts.append(f"({_in(site, sites)} AND {month} IN ({', '.join('{}' for _ in months)}))")
                args += months
        return (" OR ".join(parts) or "1 = 0"), args

    def edge_pairs(self) -> Iterator[tuple[list[int] | None, date, date]]:
        for sites, _, edges in self.parts:
            for start, end in edges:
                yield sites, start, end


def _in(column: str, sites: list[int] | None) -> str:
    return "1 = 1" if sites is None else f"{column} IN ({', '.join(str(int(site)) for site in sites) or '0'})"


def _figures(source: str) -> str:
    """CTEs `acts` (the activities that `source`, a FROM clause naming them `a`, keeps) and `figures`: long rows
    (site, month, measure, key, n). The only placeholder of the CTEs comes first: `present = {}`."""
    sums = {
        "activities": "COUNT(*)",
        "workshops": "SUM(CASE WHEN type = 'collectif' THEN 1 ELSE 0 END)",
        "named_sessions": "SUM(CASE WHEN type = 'individuel' AND learner IS NOT NULL THEN 1 ELSE 0 END)",
        "anonymous_sessions": "SUM(CASE WHEN type = 'individuel' AND learner IS NULL THEN 1 ELSE 0 END)",
        "anonymous_in_workshops": "SUM(CASE WHEN type = 'collectif' THEN anonymous_count ELSE 0 END)",
        "minutes": "CAST(SUM(minutes) AS BIGINT)",  # sums of integers only: PostgreSQL's numeric would be Decimal
    }
    volume = " UNION ALL ".join(
        f"SELECT site, month, 'volume', '{name}', {total} FROM acts GROUP BY site, month"
        for name, total in sums.items()
    )
    return f"""acts AS MATERIALIZED (
  SELECT a.id AS id, a.site AS site, {month_of("a.date")} AS month, a.type AS type, a.learner AS learner,
    a.anonymous_count AS anonymous_count, a.duration_minutes AS minutes, a.referral_type AS referral,
    (SELECT COUNT(*) FROM activity_participant p WHERE p.activity = a.id AND p.present = {{}}) AS present
  FROM {source}
), figures AS (
  SELECT site, month, 'present' AS measure, '' AS key, CAST(SUM(present) AS BIGINT) AS n FROM acts GROUP BY site, month
  UNION ALL {volume}
  UNION ALL SELECT r.site, r.month, 'topic', t.kind || ':' || t.topic,
    CAST(SUM(CASE WHEN r.type = 'individuel' THEN 1 ELSE r.anonymous_count + r.present END) AS BIGINT)
    FROM acts r JOIN activity_topic t ON t.activity = r.id GROUP BY r.site, r.month, t.kind, t.topic
  UNION ALL SELECT site, month, 'referral', referral, COUNT(*) FROM acts
    WHERE referral IS NOT NULL AND referral <> '' GROUP BY site, month, referral
)"""


def days_clause(pairs: list[tuple[list[int] | None, date, date]]) -> tuple[str, list[Any]]:
    parts, args = [], []
    for sites, start, end in pairs:
        parts.append(f"({_in('a.site', sites)} AND a.date BETWEEN {{}} AND {{}})")
        args += [start, end]
    return (" OR ".join(parts) or "1 = 0"), args


def _month_days(site: int, month: str) -> tuple[list[int], date, date]:
    year, number = int(month[:4]), int(month[5:])
    return [site], date(year, number, 1), date(year, number, monthrange(year, number)[1])


def within_month(day: str, month: str) -> str:
    """SQL: the date `day` falls in the month `month` (AAAA-MM), in a form the (site, date) index serves."""
    if db.is_sqlite():
        return f"{day} >= {month} || '-01' AND {day} < date({month} || '-01', '+1 month')"
    first = f"to_date({month}, 'YYYY-MM')"
    return f"{day} >= {first} AND {day} < ({first} + interval '1 month')::date"


def _stale(plan: Plan) -> tuple[str, list[Any]]:
    """SQL selecting the plan's whole months (site, month, version) without figures at their version."""
    where, args = plan.month_clause("m.site", "m.month")
    return (
        f"""SELECT m.site AS site, m.month AS month, m.version AS version FROM {live_months()} m
WHERE ({where}) AND NOT EXISTS (SELECT 1 FROM report_month_figure f
  WHERE f.site = m.site AND f.month = m.month AND f.version = m.version AND f.measure = '{FRESH}')""",
        args,
    )


def _contacts(acts: str) -> str:
    """(site, month, learner) of each learner accompanied in `acts`: a session's learner, a workshop's present
    participant (placeholder: `present = {}`)."""
    return f"""SELECT site, month, learner FROM {acts} WHERE learner IS NOT NULL
  UNION SELECT r.site, r.month, p.learner FROM {acts} r JOIN activity_participant p ON p.activity = r.id
  WHERE p.present = {{}}"""


def _store(plan: Plan):
    """The figures and learners of every stale whole month, and its FRESH row, each with the version read with
    them: one statement on PostgreSQL, one transaction of the single writer on SQLite."""
    stale, args = _stale(plan)
    source = f"stale s JOIN activity a ON a.site = s.site AND {within_month('a.date', 's.month')}"
    ctes = f"stale AS MATERIALIZED ({stale}), {_figures(source)}"
    learners = f"""INSERT INTO report_month_learner (site, month, version, learner)
SELECT c.site, c.month, s.version, c.learner
FROM ({_contacts("acts")}) c JOIN stale s ON s.site = c.site AND s.month = c.month
ORDER BY 1, 2, 4
ON CONFLICT (site, month, learner) DO UPDATE SET version = excluded.version"""
    figures = f"""INSERT INTO report_month_figure (site, month, version, measure, key, n)
SELECT f.site, f.month, s.version, f.measure, f.key, f.n
FROM figures f JOIN stale s ON s.site = f.site AND s.month = f.month
UNION ALL SELECT site, month, version, '{FRESH}', '', 0 FROM stale
ORDER BY 1, 2, 4, 5
ON CONFLICT (site, month, measure, key) DO UPDATE SET version = excluded.version, n = excluded.n"""
    if db.is_sqlite():
        yield f"WITH {ctes} {learners}", [*args, True, True]
        yield f"WITH {ctes} {figures}", [*args, True]
        return
    yield f"WITH {ctes}, stored AS ({learners} RETURNING 1) {figures}", [*args, True, True]
    locked = yield f"SELECT pg_try_advisory_xact_lock({FOLD_LOCK}) AS got", []
    if locked[0]["got"]:  # else another report is folding: these changes wait for the next one
        where, args = plan.month_clause("c.site", "c.month")
        yield fold(where), args


async def _any_stale(plan: Plan) -> bool:
    stale, args = _stale(plan)
    return bool(await sql.fetch(f"{stale} LIMIT 1", *args))


def fresh_months(where: str) -> str:
    """SQL: the whole months `where` keeps (on `m`), with their version and whether figures were stored at it."""
    return f"""SELECT m.site AS site, m.month AS month, m.version AS version, CASE WHEN EXISTS (
    SELECT 1 FROM report_month_figure f WHERE f.site = m.site AND f.month = m.month AND f.version = m.version
    AND f.measure = '{FRESH}') THEN 1 ELSE 0 END AS fresh
  FROM {live_months()} m WHERE {where}"""


async def _stored(plan: Plan) -> list[dict[str, Any]]:
    """The stored figures of the plan's whole months, summed (volume per month), and a `stale` row for each
    month whose version moved on since: one statement."""
    where, args = plan.month_clause("m.site", "m.month")
    pivot = ", ".join(f"CAST(SUM(CASE WHEN key = '{name}' THEN n ELSE 0 END) AS BIGINT) AS {name}" for name in VOLUME)
    zeros = ", ".join(f"0 AS {name}" for name in VOLUME)
    return await sql.fetch(
        f"""
WITH months AS MATERIALIZED ({fresh_months(where)}), figures AS MATERIALIZED (
  SELECT f.site AS site, f.month AS month, f.measure AS measure, f.key AS key, f.n AS n
  FROM months m JOIN report_month_figure f ON f.site = m.site AND f.month = m.month AND f.version = m.version
  WHERE m.fresh = 1
)
SELECT 'stale' AS measure, site, month, '' AS key, 0 AS n, {zeros} FROM months WHERE fresh = 0
UNION ALL SELECT 'volume', site, month, '', 0, {pivot} FROM figures WHERE measure = 'volume' GROUP BY site, month
UNION ALL SELECT measure, site, '', key, CAST(SUM(n) AS BIGINT), {zeros} FROM figures
  WHERE measure IN ('present', 'topic', 'referral') GROUP BY measure, site, key""",
        *args,
    )


def _shaped(stored: list[dict[str, Any]], computed: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows `queries` would give: volume per site and month, present, topics and referrals per site."""
    found: dict[str, list[dict[str, Any]]] = {"volume": [], "present": [], "topics": [], "referrals": []}
    for row in stored:
        if row["measure"] == "volume":
            found["volume"].append({"site": row["site"], "month": row["month"]} | {k: row[k] for k in VOLUME})
    volume: dict[tuple[int, str], dict[str, Any]] = {}
    for row in computed:
        if row["measure"] == "volume":
            volume.setdefault((row["site"], row["month"]), {"site": row["site"], "month": row["month"]})[row["key"]] = (
                row["n"]
            )
    found["volume"] += volume.values()
    for row in [*stored, *computed]:
        site, key, n = row["site"], row["key"], row["n"]
        if row["measure"] == "present":
            found["present"].append({"site": site, "n": n})
        elif row["measure"] == "topic":
            kind, topic = key.split(":", 1)
            found["topics"].append({"site": site, "kind": kind, "topic": topic, "n": n})
        elif row["measure"] == "referral":
            found["referrals"].append({"site": site, "value": key, "n": n})
    return found


async def close_open_months(plan: Plan) -> None:
    """Read as a whole month an edge that starts on the 1st and ends before the month does, when its sites have no
    activity later that month: a report up to today, as most are, then reads the current month stored (activities
    cannot be dated after today) instead of summing its days again."""
    candidates = []
    for part, (sites, _, edges) in enumerate(plan.parts):
        for start, end in edges:
            last = _month_days(0, _month(start))[2]
            if start.day == 1 and end < last:
                candidates.append((part, sites, start, end, last))
    if not candidates:
        return
    checks, args = [], []
    for number, (_, sites, _, end, last) in enumerate(candidates):
        later = f"SELECT 1 FROM activity a WHERE {_in('a.site', sites)} AND a.date > {{}} AND a.date <= {{}}"
        checks.append(f"SELECT {number} AS n WHERE EXISTS ({later})")
        args += [end, last]
    blocked = {row["n"] for row in await sql.fetch(" UNION ALL ".join(checks), *args)}
    for number, (part, _, start, end, _) in enumerate(candidates):
        if number not in blocked:
            _, whole, edges = plan.parts[part]
            edges.remove((start, end))
            whole.append(_month(start))


async def refresh(plan: Plan) -> None:
    """Store the figures and learners of the plan's whole months that have none at their current version."""
    if await _any_stale(plan):
        await sql.transact(_store(plan))


async def activity_figures(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """Volume per site and month, and per site present participants, people reached per topic, referrals."""
    stored = await _stored(plan)
    again = [(row["site"], row["month"]) for row in stored if row["measure"] == "stale"]
    pairs = [*plan.edge_pairs(), *(_month_days(site, month) for site, month in again)]
    computed = []
    if pairs:
        where, args = days_clause(pairs)
        computed = await sql.fetch(f"WITH {_figures(f'activity a WHERE {where}')} SELECT * FROM figures", True, *args)
    return _shaped(stored, computed)
