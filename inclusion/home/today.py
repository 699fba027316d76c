"""The home page of site staff, as queries: the week's activities, learners due for a reassessment, Pass ending
soon, claims to send, and the week's figures against last week's. Each block is one query over the caller's
sites (an administrator's: every site), bounded by a LIMIT or a GROUP BY: no row per learner reaches Python."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from inclusion.clock import monday_of
from inclusion.learners.glance import as_day, due_for_assessment, sites_clause
from inclusion.learners.names import display_name
from inclusion.scoping import Caller
from inclusion.storage import sql
from inclusion.storage.pagination import PageRequest
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers.lookup import list_vouchers

SHORT_LIST = 6  # rows per block on the home page; the block links to the whole list
EXPIRING_WITHIN_DAYS = 30


async def week_activities(caller: Caller, today: date, limit: int = SHORT_LIST) -> tuple[list[dict[str, Any]], int]:
    """This week's activities (Monday to Sunday): today's and those to come, by time, then the week's earlier days,
    latest first; and how many the week holds. Each half is read through the (site, date) or date index and
    sorted alone, so a national week costs a sort of its days' activities, not of every activity."""
    monday, sunday = monday_of(today), monday_of(today) + timedelta(days=6)
    scope = sites_clause(caller, "a.site")
    columns = "a.id, a.date, a.start_time, a.type, a.title, a.anonymous_count, a.learner"
    untimed = "CASE WHEN a.start_time IS NULL THEN 1 ELSE 0 END"
    rows = await sql.fetch(
        f"""
WITH shown AS (
  SELECT * FROM (SELECT {columns}, 0 AS earlier FROM activity a WHERE {scope} AND a.date >= {{}} AND a.date <= {{}}
    ORDER BY a.date, {untimed}, a.start_time, a.id LIMIT {{}}) upcoming
  UNION ALL
  SELECT * FROM (SELECT {columns}, 1 AS earlier FROM activity a WHERE {scope} AND a.date >= {{}} AND a.date < {{}}
    ORDER BY a.date DESC, {untimed} DESC, a.start_time DESC, a.id DESC LIMIT {{}}) earlier
)
SELECT w.id, w.date, w.start_time, w.type, w.title, w.anonymous_count, w.learner AS learner_id, w.earlier,
  l.first_name, l.last_name, l.pseudonym, l.anonymised_at,
  (SELECT COUNT(*) FROM activity_participant p WHERE p.activity = w.id AND p.present = {{}}) AS present,
  (SELECT COUNT(*) FROM activity a WHERE {scope} AND a.date >= {{}} AND a.date <= {{}}) AS total
FROM shown w LEFT JOIN learner l ON l.id = w.learner""",
        *(today, sunday, limit, monday, today, limit, True, monday, sunday),
    )
    upcoming = sorted((row for row in rows if not row["earlier"]), key=lambda row: (str(row["date"]),
                      row["start_time"] is None, str(row["start_time"] or ""), row["id"]))  # fmt: skip
    earlier = sorted((row for row in rows if row["earlier"]), key=lambda row: (str(row["date"]),
                     row["start_time"] is not None, str(row["start_time"] or ""), row["id"]), reverse=True)  # fmt: skip
    rows = (upcoming + earlier)[:limit]
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


async def due_learners(caller: Caller, today: date, after_days: int) -> tuple[list[dict[str, Any]], bool]:
    """The first learners due for a reassessment, most recently seen first, and whether there are more."""
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
    participant), minutes, new learners (first visit in the week; a file's last contact is never before its first
    visit, so the last-contact index narrows the files read on a network)."""
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
SELECT {activity_week}, 'people', COUNT(DISTINCT COALESCE(p.learner, a.learner)), 0, 0, 0
FROM activity a LEFT JOIN activity_participant p ON p.activity = a.id AND p.present = {{}}
WHERE {in_scope} GROUP BY 1
UNION ALL
SELECT {week.format(column="l.first_visit_on")}, 'new_learners', COUNT(*), 0, 0, 0 FROM learner l
WHERE {sites_clause(caller, "l.site")} AND l.first_visit_on >= {{}} AND l.first_visit_on <= {{}}
  AND l.last_contact_on >= {{}} AND l.merged_into IS NULL
GROUP BY 1""",
        *(monday, start, today),
        *(monday, True, start, today),
        *(monday, start, today, start),
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
