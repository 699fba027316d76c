"""Learners accompanied in a report's period: the stored learners of its whole months (`months`), plus those
found in the activities of its edge days and of any month that changed since it was stored."""

from __future__ import annotations

from typing import Any

from inclusion.reports import queries
from inclusion.reports.months import plan as month_plan
from inclusion.reports.months import stored as months
from inclusion.reports.scope import ReportScope


def _contacted(joins: str, where: str) -> str:
    """(site, learner) of the sessions and present participants of the activities (`a`) that `joins` and
    `where` keep; placeholders: `where`'s, `where`'s again, then `present = {}`."""
    return f"""SELECT a.site, a.learner FROM {joins} WHERE ({where}) AND a.learner IS NOT NULL
  UNION SELECT a.site, p.learner FROM {joins} JOIN activity_participant p ON p.activity = a.id
  WHERE ({where}) AND p.present = {{}}"""


def seen(plan: month_plan.Plan) -> tuple[str, list[Any]]:
    """CTEs ending with `seen (site, learner)` for the plan's sites and days, and their arguments."""
    whole, whole_args = plan.month_clause("m.site", "m.month")
    edges, edge_args = month_plan.days_clause(list(plan.edge_pairs()))
    changed = f"months m JOIN activity a ON a.site = m.site AND {month_plan.within_month('a.date', 'm.month')}"
    sql = f"""months AS MATERIALIZED ({months.fresh_months(whole, plan.key)}), seen AS (
  SELECT r.site AS site, r.learner AS learner FROM months m
  JOIN report_month_learner r ON r.site = m.site AND r.month = m.month AND r.version = m.version WHERE m.fresh = 1
  UNION {_contacted("activity a", edges)}
  UNION {_contacted(changed, "m.fresh = 0")}
)"""
    return sql, [*whole_args, *edge_args, *edge_args, True, True]


async def people(scope: ReportScope, plan: month_plan.Plan) -> list[dict[str, Any]]:
    return await queries.people(scope, *seen(plan))
