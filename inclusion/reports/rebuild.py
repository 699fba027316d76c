"""Store every figure the day's reports read, for the default period (the last 12 months): what an operator runs
after a bulk import or a restore (`inclusion reports rebuild`), so that the first report does not compute the whole
network itself. It folds pending changes, stores every site's whole months, each site's closed and current parts
(`split_parts`), each région's and département's sum (`rollups`), and each site's whole share (`site_parts`),
région by région, and says where it stands as it goes. Running it again stores only what changed since."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from inclusion.reports import rollups
from inclusion.reports.divide import default_framework
from inclusion.reports.grouped import grouped_shares
from inclusion.reports.months import fold as month_fold
from inclusion.reports.months import plan as month_plan
from inclusion.reports.months import stored as months
from inclusion.reports.scope import ReportScope, check_period
from inclusion.reports.shares import site_shares
from inclusion.sites.territory import region_name
from inclusion.storage.tables.sites import Site


def _scope(sites: list[dict[str, Any]], start: date, end: date) -> ReportScope:
    return ReportScope(start, end, sites, {site["id"]: [(start, end)] for site in sites})


async def rebuild(today: date, say: Callable[[str], None]) -> dict[str, int]:
    """Store everything for the default period up to `today`; counts of what was stored."""
    began = time.monotonic()

    def step(message: str) -> None:
        say(f"[{time.monotonic() - began:6.1f} s] {message}")

    folded = await month_fold.fold_pending()
    step(f"{folded} changement(s) en attente reporté(s) dans les mois.")
    start, end = check_period(None, None, today)
    framework = await default_framework()
    sites = await Site.select(Site.id, Site.name).order_by(Site.id).run()
    where = await rollups.places()
    regions: dict[str, list[dict[str, Any]]] = {}
    for site in sites:
        regions.setdefault(where.get(site["id"], ("", ""))[1], []).append(site)
    counts = {"sites": len(sites), "months": 0, "parts": 0, "territories": 0}
    for number, (region, members) in enumerate(sorted(regions.items()), 1):
        name = region_name(region.removeprefix("region:")) if region else "Sites sans territoire"
        scope = _scope(members, start, end)
        plan = month_plan.Plan(scope, framework)
        await month_plan.close_open_months(plan)
        counts["months"] += await months.refresh(plan)
        _, computed = await grouped_shares(scope, framework, today)
        counts["parts"] += computed
        departements: dict[str, list[dict[str, Any]]] = {}
        for site in members:
            if site["id"] in where:
                departements.setdefault(where[site["id"]][0], []).append(site)
        if len(departements) > 1:  # each département's sum, for reports on part of a région
            for departement in departements.values():
                await grouped_shares(_scope(departement, start, end), framework, today)
        await site_shares(scope, framework, today)  # each site's whole share, for reports that read them
        counts["territories"] += (1 if region else 0) + (len(departements) if len(departements) > 1 else 0)
        step(f"{name} ({number}/{len(regions)}) : {len(members)} site(s), {computed} part(s) calculée(s).")
    await rollups.forget_old(today)
    step(
        f"Terminé : {counts['sites']} site(s), mois de {counts['months']} site(s) enregistrés, {counts['parts']} "
        f"part(s) de site calculée(s), {counts['territories']} territoire(s) sommé(s)."
    )
    return counts
