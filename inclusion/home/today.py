"""The home page of site staff, as queries: the week's activities, learners due for a reassessment, Pass ending
soon, claims to send, and the week's figures against last week's. Each block is one query over the caller's
sites (an administrator's: every site), bounded by a LIMIT or a GROUP BY: no row per learner reaches Python."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from inclusion.learners.glance import as_day, due_for_assessment, sites_clause
from inclusion.learners.names import display_name
from inclusion.scoping import Caller
from inclusion.storage import sql
from inclusion.storage.pagination import PageRequest
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers.lookup import list_vouchers

SHORT_LIST = 6  # rows per block on the home page; the block links to the whole list
EXPIRING_WITHIN_DAYS = 30


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def week_activities(caller: Caller, today: date, limit: int = SHORT_LIST) -> tuple[list[dict[str, Any]], int]:
    """This week's activities (Monday to Sunday), today's and those to come first, then the week's earlier days;
    and how many the week holds."""
    monday = monday_of(today)
    rows = await sql.fetch(
        f"""
SELECT a.id, a.date, a.start_time, a.type, a.title, a.anonymous_count, a.learner AS learner_id,
  l.first_name, l.last_name, l.pseudonym, l.anonymised_at,
  (SELECT COUNT(*) FROM activity_participant p WHERE p.activity = a.id AND p.present = {{}}) AS present,
  COUNT(*) OVER () AS total
FROM activity a LEFT JOIN learner l ON l.id = a.learner
WHERE {sites_clause(caller, "a.site")} AND a.date >= {{}} AND a.date <= {{}}
ORDER BY CASE WHEN a.date < {{}} THEN 1 ELSE 0 END, a.date, CASE WHEN a.start_time IS NULL THEN 1 ELSE 0 END,
  a.start_time, a.id
LIMIT {{}}""",
        True,
        monday,
        monday + timedelta(days=6),
        today,
        limit,
    )
    activities = []
    for row in rows:
        day = as_day(row["date"])
        named = row["learner_id"] is not None
        activities.append(
            {
                "id": row["id"],
                "date": day,
                "start_time": str(row["start_time"])[:5] if row["start_time"] else "",
                "workshop": row["type"] == "collectif",
                "title": row["title"],
                "learner_id": row["learner_id"],
                "learner_name": display_name(
                    row["first_name"], row["last_name"], row["pseudonym"], row["anonymised_at"] is not None
                )
                if named
                else "",
                "present": row["present"],
                "anonymous": row["anonymous_count"] or 0,
                "upcoming": day >= today,
            }
        )
    return activities, rows[0]["total"] if rows else 0


async def due_learners(caller: Caller, today: date, after_days: int) -> tuple[list[dict[str, Any]], int]:
    return await due_for_assessment(caller, today, after_days, SHORT_LIST)


async def expiring_vouchers(caller: Caller) -> tuple[list[dict[str, Any]], int]:
    """Pass handed to a learner and not used yet, whose scheme's last valid day is within 30 days."""
    filters = {"status": VoucherStatus.issued.value, "expiring_within": EXPIRING_WITHIN_DAYS}
    result = await list_vouchers(caller, PageRequest(per_page=SHORT_LIST), filters)
    return result.rows, result.total


async def claims_to_send(caller: Caller) -> list[dict[str, Any]]:
    """Per scheme: the redeemed Pass on no claim yet, how many and their value."""
    return await sql.fetch(
        f"""
SELECT s.id AS scheme_id, s.name AS scheme_name, COUNT(*) AS count, SUM(v.value_cents) AS cents
FROM voucher v JOIN voucher_scheme s ON s.id = v.scheme
WHERE {sites_clause(caller, "v.site")} AND v.status = {{}} AND v.claim IS NULL
GROUP BY s.id, s.name ORDER BY s.name, s.id""",
        VoucherStatus.redeemed.value,
    )


FIGURES = ("activities", "workshops", "sessions", "people", "minutes", "new_learners")


async def week_figures(caller: Caller, today: date) -> dict[str, dict[str, int]]:
    """This week's figures (Monday to today) and last week's (Monday to Sunday), in one statement (GROUP BY 1: on
    PostgreSQL a placeholder repeated in GROUP BY would be another expression): activities,
    workshops, individual sessions, distinct learners accompanied (a session's learner, a workshop's present
    participant), minutes, new learners (first visit in the week)."""
    monday = monday_of(today)
    start = monday - timedelta(days=7)
    week = "CASE WHEN {column} >= {{}} THEN 'this' ELSE 'last' END"
    activity_week = week.format(column="a.date")
    in_scope = f"{sites_clause(caller, 'a.site')} AND a.date >= {{}} AND a.date <= {{}}"
    rows = await sql.fetch(
        f"""
SELECT {activity_week} AS week, 'activities' AS kind, COUNT(*) AS n,
  SUM(CASE WHEN a.type = 'collectif' THEN 1 ELSE 0 END) AS workshops,
  SUM(CASE WHEN a.type = 'individuel' THEN 1 ELSE 0 END) AS sessions, SUM(a.duration_minutes) AS minutes
FROM activity a WHERE {in_scope} GROUP BY 1
UNION ALL
SELECT week, 'people', COUNT(DISTINCT learner), 0, 0, 0 FROM (
  SELECT {activity_week} AS week, a.learner AS learner FROM activity a WHERE {in_scope} AND a.learner IS NOT NULL
  UNION ALL
  SELECT {activity_week}, p.learner FROM activity_participant p JOIN activity a ON a.id = p.activity
  WHERE {in_scope} AND p.present = {{}}
) seen GROUP BY 1
UNION ALL
SELECT {week.format(column="l.first_visit_on")}, 'new_learners', COUNT(*), 0, 0, 0 FROM learner l
WHERE {sites_clause(caller, "l.site")} AND l.first_visit_on >= {{}} AND l.first_visit_on <= {{}}
  AND l.merged_into IS NULL
GROUP BY 1""",
        *(monday, start, today),
        *(monday, start, today),
        *(monday, start, today, True),
        *(monday, start, today),
    )
    figures = {name: {"this": 0, "last": 0} for name in FIGURES}
    for row in rows:
        if row["kind"] == "activities":
            for name, value in (("activities", row["n"]), ("workshops", row["workshops"]),
                                ("sessions", row["sessions"]), ("minutes", row["minutes"])):  # fmt: skip
                figures[name][row["week"]] = int(value or 0)
        else:
            figures[row["kind"]][row["week"]] = int(row["n"] or 0)
    return figures


def hours(minutes: int) -> str:
    """135 → "2 h 15", 120 → "2 h", 0 → "0 h"."""
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d}" if rest else f"{whole} h"
