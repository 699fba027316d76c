"""The report's month figures (activity volume per month, present participants, people reached per topic,
referrals, and the monthly fragility trend), summed once per site and month and kept while that month's
activities and assessments do not change.

A period splits, per site, into whole months and edge days (`month_plan`). Each whole month is read from
`report_month_figure` when its figures were computed at the month's version now (its count of changes, kept by
triggers: `month_triggers`) and, for the trend, under the current framework's key (`month_fragility`); a month
without such figures is computed from the records and stored first. Edge days, and any month that changed in
between, are computed from the records. Every statement reads its figures and the versions they stand for in
one snapshot, so a stored figure is never newer or older than the version it claims.
"""

from __future__ import annotations

import asyncio
from typing import Any

from inclusion.reports.months import fragility as month_fragility
from inclusion.reports.months.plan import Plan, days_clause, month_days, sites_in, within_month
from inclusion.reports.months.triggers import FOLD_LOCK, fold, live_months
from inclusion.reports.queries import month_of
from inclusion.storage import db, sql

BREAKDOWNS = ("duration", "device", "place")  # activities by duration bucket, device used, place
PER_MONTH = "partner"  # a breakdown kept per month: individual sessions by France Services partner
DURATION_BUCKET = (
    "CASE WHEN minutes < 30 THEN 'moins_30' WHEN minutes < 60 THEN 'de_30_a_60' "
    "WHEN minutes < 120 THEN 'de_60_a_120' ELSE 'plus_120' END"
)
VOLUME = ("activities", "workshops", "named_sessions", "anonymous_sessions", "anonymous_in_workshops", "minutes")
FRESH = "_fresh"  # the row stored with a month's figures: the month was computed at this version
# The first report after an upgrade or a new framework stores every month of its sites (the whole network:
# 36,000 months, 77 s here): one transaction per 100 sites keeps what a cancelled request stored, and holds
# SQLite's single writer for a moment at a time instead of the whole minute.
SITES_PER_STORE = 100
STORE_LOCK = 7_301_002  # an advisory lock: one background job at a time stores months (`month_fold.warm`)


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
    a.devices AS devices, a.place AS place, a.partner AS partner,
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
  UNION ALL SELECT site, month, 'duration', bucket, COUNT(*) FROM (SELECT site, month, {DURATION_BUCKET} AS bucket
    FROM acts) d GROUP BY site, month, bucket
  UNION ALL SELECT r.site, r.month, 'device', COALESCE(d.value, ''), COUNT(*) FROM acts r {_each_device("r")}
    GROUP BY r.site, r.month, d.value
  UNION ALL SELECT site, month, 'place', place, COUNT(*) FROM acts GROUP BY site, month, place
  UNION ALL SELECT site, month, '{PER_MONTH}', partner, COUNT(*) FROM acts
    WHERE partner IS NOT NULL AND partner <> '' GROUP BY site, month, partner
)"""


def _each_device(acts: str) -> str:
    """SQL joining each activity of `acts` to each of its devices (`d.value`), or once to NULL when it names none:
    an activity with two devices counts once for each, and the device table's lines add up to more than its
    activities (its total, the activities, comes from the durations)."""
    if db.is_sqlite():
        return f"LEFT JOIN json_each({acts}.devices) d"
    return f"LEFT JOIN LATERAL json_array_elements_text({acts}.devices) AS d(value) ON TRUE"


def _stored_at_version(key: str) -> str:
    """SQL: the month `m` has figures stored at its current version, under the framework key `key`."""
    return f"""EXISTS (SELECT 1 FROM report_month_figure f WHERE f.site = m.site AND f.month = m.month
  AND f.version = m.version AND f.measure = '{FRESH}' AND f.key = '{key}')"""


def _stale(plan: Plan, sites: list[int] | None = None) -> tuple[str, list[Any]]:
    """SQL selecting the plan's whole months (site, month, version) without figures at their version, of `sites`
    only if given."""
    where, args = plan.month_clause("m.site", "m.month")
    return (
        f"""SELECT m.site AS site, m.month AS month, m.version AS version FROM {live_months()} m
WHERE ({where}) AND {sites_in("m.site", sites)} AND NOT {_stored_at_version(plan.key)}""",
        args,
    )


def _contacts(acts: str) -> str:
    """(site, month, learner) of each learner accompanied in `acts`: a session's learner, a workshop's present
    participant (placeholder: `present = {}`)."""
    return f"""SELECT site, month, learner FROM {acts} WHERE learner IS NOT NULL
  UNION SELECT r.site, r.month, p.learner FROM {acts} r JOIN activity_participant p ON p.activity = r.id
  WHERE p.present = {{}}"""


def _store(plan: Plan, sites: list[int], alone: bool):
    """The figures and learners of the stale whole months of `sites`, and their FRESH rows, each with the version
    read with them: one statement on PostgreSQL, one transaction of the single writer on SQLite. `alone`: on
    PostgreSQL, store nothing (False) while another transaction holds STORE_LOCK, and hold it while storing."""
    if alone and not db.is_sqlite():
        locked = yield f"SELECT pg_try_advisory_xact_lock({STORE_LOCK}) AS got", []
        if not locked[0]["got"]:
            return False
    stale, args = _stale(plan, sites)
    source = f"stale s JOIN activity a ON a.site = s.site AND {within_month('a.date', 's.month')}"
    assessments = f"stale s JOIN assessment a ON a.site = s.site AND {within_month('a.assessed_on', 's.month')}"
    fragility = month_fragility.ctes(plan.framework, assessments, "1 = 1")
    ctes = f"stale AS MATERIALIZED ({stale}), {_figures(source)}, {fragility}"
    learners = f"""INSERT INTO report_month_learner (site, month, version, learner)
SELECT c.site, c.month, s.version, c.learner
FROM ({_contacts("acts")}) c JOIN stale s ON s.site = c.site AND s.month = c.month
ORDER BY 1, 2, 4
ON CONFLICT (site, month, learner) DO UPDATE SET version = excluded.version"""
    figures = f"""INSERT INTO report_month_figure (site, month, version, measure, key, n)
SELECT f.site, f.month, s.version, f.measure, f.key, f.n
FROM figures f JOIN stale s ON s.site = f.site AND s.month = f.month
UNION ALL SELECT g.site, g.month, s.version, 'fragility', '{plan.key}:assessed', g.assessed
  FROM fragility g JOIN stale s ON s.site = g.site AND s.month = g.month
UNION ALL SELECT g.site, g.month, s.version, 'fragility', '{plan.key}:fragile', g.fragile
  FROM fragility g JOIN stale s ON s.site = g.site AND s.month = g.month
UNION ALL SELECT site, month, version, '{FRESH}', '{plan.key}', 0 FROM stale
ORDER BY 1, 2, 4, 5
ON CONFLICT (site, month, measure, key) DO UPDATE SET version = excluded.version, n = excluded.n"""
    if db.is_sqlite():
        yield f"WITH {ctes} {learners}", [*args, True, True]
        yield f"WITH {ctes} {figures}", [*args, True]
        return True
    yield f"WITH {ctes}, stored AS ({learners} RETURNING 1) {figures}", [*args, True, True]
    locked = yield f"SELECT pg_try_advisory_xact_lock({FOLD_LOCK}) AS got", []
    if locked[0]["got"]:  # else another report is folding: these changes wait for the next one
        where, args = plan.month_clause("c.site", "c.month")
        yield fold(f"({where}) AND {sites_in('c.site', sites)}"), args
    return True


def fresh_months(where: str, key: str) -> str:
    """SQL: the whole months `where` keeps (on `m`), with their version and whether figures were stored at it
    under the framework key `key`."""
    return f"""SELECT m.site AS site, m.month AS month, m.version AS version,
    CASE WHEN {_stored_at_version(key)} THEN 1 ELSE 0 END AS fresh
  FROM {live_months()} m WHERE {where}"""


async def _stored(plan: Plan) -> list[dict[str, Any]]:
    """The stored figures of the plan's whole months, summed (volume per month), and a `stale` row for each
    month whose version moved on since: one statement."""
    where, args = plan.month_clause("m.site", "m.month")
    pivot = ", ".join(f"CAST(SUM(CASE WHEN key = '{name}' THEN n ELSE 0 END) AS BIGINT) AS {name}" for name in VOLUME)
    zeros = ", ".join(f"0 AS {name}" for name in VOLUME)
    return await sql.fetch(
        f"""
WITH months AS MATERIALIZED ({fresh_months(where, plan.key)}), figures AS MATERIALIZED (
  SELECT f.site AS site, f.month AS month, f.measure AS measure, f.key AS key, f.n AS n
  FROM months m JOIN report_month_figure f ON f.site = m.site AND f.month = m.month AND f.version = m.version
  WHERE m.fresh = 1
)
SELECT 'stale' AS measure, site, month, '' AS key, 0 AS n, {zeros} FROM months WHERE fresh = 0
UNION ALL SELECT 'volume', site, month, '', 0, {pivot} FROM figures WHERE measure = 'volume' GROUP BY site, month
UNION ALL SELECT measure, site, '', key, CAST(SUM(n) AS BIGINT), {zeros} FROM figures
  WHERE measure IN ('present', 'topic', 'referral', 'duration', 'device', 'place') GROUP BY measure, site, key
UNION ALL SELECT measure, site, month, key, n, {zeros} FROM figures
  WHERE (measure = 'fragility' AND key IN ('{plan.key}:assessed', '{plan.key}:fragile')) OR measure = '{PER_MONTH}'""",
        *args,
    )


def _shaped(
    stored: list[dict[str, Any]], computed: list[dict[str, Any]], fragility: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Volume per site and month, present, topics, referrals and breakdowns (activities by duration, device,
    place) per site, and the monthly fragility trend (`monthly`: site, month, assessed, fragile)."""
    found: dict[str, list[dict[str, Any]]] = {
        "volume": [], "present": [], "topics": [], "referrals": [], "breakdowns": []
    }  # fmt: skip
    trend: dict[tuple[int, str], dict[str, Any]] = {}
    for row in stored:
        if row["measure"] == "fragility":
            month = trend.setdefault((row["site"], row["month"]), {"site": row["site"], "month": row["month"]})
            month[row["key"].rsplit(":", 1)[1]] = row["n"]
    found["monthly"] = [*trend.values(), *fragility]
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
        elif row["measure"] in BREAKDOWNS:
            found["breakdowns"].append({"site": site, "kind": row["measure"], "value": key, "n": n})
        elif row["measure"] == PER_MONTH:
            found["breakdowns"].append({"site": site, "kind": PER_MONTH, "value": f"{row['month']}:{key}", "n": n})
    return found


async def refresh(plan: Plan, sites_per_store: int = SITES_PER_STORE, alone: bool = False) -> int:
    """Store the figures and learners of the plan's whole months that have none at their current version, in one
    transaction per `sites_per_store` sites; the number of sites stored. `alone` (a background job): stop at
    once when another job is storing (PostgreSQL), so several workers do not all store the same months."""
    stale, args = _stale(plan)
    sites = [row["site"] for row in await sql.fetch(f"SELECT DISTINCT site FROM ({stale}) s ORDER BY site", *args)]
    for start in range(0, len(sites), sites_per_store):
        if not await sql.transact(_store(plan, sites[start : start + sites_per_store], alone)):
            return start
    return len(sites)


async def activity_figures(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """Volume per site and month, per site present participants, people reached per topic, referrals, and the
    monthly fragility trend."""
    stored = await _stored(plan)
    again = [(row["site"], row["month"]) for row in stored if row["measure"] == "stale"]
    pairs = [*plan.edge_pairs(), *(month_days(site, month) for site, month in again)]
    computed, fragility = [], []
    if pairs:
        where, args = days_clause(pairs)
        rated, rated_args = days_clause(pairs, "a.assessed_on")
        computed, fragility = await asyncio.gather(
            sql.fetch(f"WITH {_figures(f'activity a WHERE {where}')} SELECT * FROM figures", True, *args),
            sql.fetch(
                f"WITH {month_fragility.ctes(plan.framework, 'assessment a', rated)} SELECT * FROM fragility",
                *rated_args,
            ),  # fmt: skip
        )
    return _shaped(stored, computed, fragility)
