"""The comments learners left with their opinion (issue 26), for the coordinators of their site only.

A comment is free text and may name someone (an adviser, a neighbour, the person themself), so it is never part
of the report: not in its JSON, CSV, XLSX or PDF, not on a shared page, never for a funder or an adviser. The
dashboard shows a coordinator the comments of the report's sites they coordinate, by month (most recent first,
at most `LIMIT`), under the site's name, and nothing else: no activity, no day. Administrators do not see them
either: the issue gives them to "the site's coordinator only"."""

from __future__ import annotations

from datetime import date
from typing import Any

from inclusion.reports.assemble import month_label
from inclusion.reports.quality import counted_months
from inclusion.scoping import Caller, Role
from inclusion.storage.tables.feedback import FeedbackAnswer

LIMIT = 50


def coordinated_sites(caller: Caller, report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's sites whose comments the caller may read: a coordinator's own sites, nobody else's."""
    if caller.role != Role.coordinator:
        return []
    if report["sites"] or report["level"] == "site":
        return [site for site in report["sites"] if site["id"] in caller.site_ids]
    period = [{"date_from": report["date_from"], "date_to": report["date_to"]}]  # staff count the whole period
    mine = [site for column in report["columns"] for site in column["site_ids"] if site in caller.site_ids]
    return [{"id": site, "periods": period} for site in mine]


async def comments(caller: Caller, report: dict[str, Any]) -> dict[str, Any] | None:
    """The comments of the report's months at the caller's coordinated sites, grouped by month, newest first;
    None when the caller may read none (every role but a site's coordinator)."""
    sites = coordinated_sites(caller, report)
    if not sites:
        return None
    start, end = report["date_from"], report["date_to"]
    kept = {
        site["id"]: counted_months(start, end, [(p["date_from"], p["date_to"]) for p in site["periods"]])
        for site in sites
    }
    months = sorted(set().union(*kept.values()))
    if not months:
        return {"months": [], "limited": False, "sites": len(sites)}
    first, last = date.fromisoformat(months[0] + "-01"), date.fromisoformat(months[-1] + "-01")
    rows = await (
        FeedbackAnswer.select(
            FeedbackAnswer.site,
            FeedbackAnswer.site.name.as_alias("site_name"),
            FeedbackAnswer.month,
            FeedbackAnswer.comment,
        )  # fmt: skip
        .where(
            FeedbackAnswer.site.is_in(sorted(kept)),
            FeedbackAnswer.month >= first,
            FeedbackAnswer.month <= last,
            FeedbackAnswer.comment != "",
        )
        .order_by(FeedbackAnswer.month, ascending=False)
        .order_by(FeedbackAnswer.id, ascending=False)
        .limit(LIMIT + 1)
    )
    by_month: dict[str, dict[str, list[str]]] = {}
    for row in rows[:LIMIT]:
        month = row["month"].isoformat()[:7]
        if month in kept[row["site"]]:
            by_month.setdefault(month, {}).setdefault(row["site_name"], []).append(row["comment"])
    return {
        "months": [
            {"label": month_label(month), "sites": [{"name": name, "comments": texts} for name, texts in found.items()]}
            for month, found in by_month.items()
        ],
        "limited": len(rows) > LIMIT,
        "sites": len(sites),
    }
