"""Each site's rows of the report (`site_parts.PARTS`) over any windows: its stored share while it holds, else
counted from its stored months and the records, and stored for the next report."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from inclusion.reports import site_parts
from inclusion.reports.divide import entry_latest_rows
from inclusion.reports.months import people as month_people
from inclusion.reports.months import plan as month_plan
from inclusion.reports.months import stored as months
from inclusion.reports.scope import ReportScope


async def site_shares(
    scope: ReportScope, framework: dict[str, Any] | None, today: date
) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """The per-site rows of the report (`site_parts.PARTS`): stored shares where they hold, the other sites'
    computed and stored for the next report; and how many sites were computed."""
    plan = month_plan.Plan(scope, framework)
    shares = await site_parts.read(scope, plan.key)
    if not shares.missing:
        return site_parts.merged(shares, {part: [] for part in site_parts.PARTS}), 0
    if len(shares.missing) < len(scope.site_ids):
        scope = site_parts.narrowed(scope, shares.missing)
        plan = month_plan.Plan(scope, framework)
    await month_plan.close_open_months(plan)
    await months.refresh(plan)
    figures, people, divide = await asyncio.gather(
        months.activity_figures(plan), month_people.people(scope, plan), entry_latest_rows(scope, framework)
    )
    computed = {**figures, "people": people, "divide": divide}
    await site_parts.store(shares, scope.site_ids, computed, today)
    return site_parts.merged(shares, computed), len(scope.site_ids)
