"""The report's daily upkeep stores every site's months of the last year, a few sites per transaction, so the
first whole-network report after an upgrade or a new framework has nothing left to store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inclusion.reports.divide import default_framework
from inclusion.reports.months import fold as month_fold
from inclusion.reports.months import plan as month_plan
from inclusion.reports.months import stored as months
from inclusion.reports.months.stored import FRESH, STORE_LOCK
from inclusion.reports.scope import ReportScope
from inclusion.storage.tables.reports import ReportMonthFigure
from tests.support.clock import paris_today

LAST_MONTH = (paris_today().replace(day=1) - timedelta(days=1)).replace(day=1)


async def three_sites_with_a_workshop_last_month(make) -> list[int]:
    sites = [await make.site(f"Espace {name}") for name in ("Carnot", "Jaurès", "Zola")]
    for site in sites:
        await make.activity(site, date=LAST_MONTH, duration_minutes=60, title="Courriels")
    return sites


async def stored_sites(month: str) -> set[int]:
    rows = await ReportMonthFigure.select(ReportMonthFigure.site).where(
        (ReportMonthFigure.measure == FRESH) & (ReportMonthFigure.month == month)
    )
    return {row["site"] for row in rows}


async def test_the_daily_upkeep_stores_every_sites_months_once(app, make):
    """The upkeep stores last month at each of three sites; run again, it finds nothing left to store."""
    sites = await three_sites_with_a_workshop_last_month(make)
    assert await month_fold.warm(paris_today()) == 3
    assert await stored_sites(LAST_MONTH.isoformat()[:7]) == set(sites)
    assert await month_fold.warm(paris_today()) == 0


async def test_months_are_stored_a_few_sites_per_transaction_with_the_same_figures(app, open_client, make):
    """Stored one site per transaction, three sites' months read back exactly as the report counts them."""
    sites = await three_sites_with_a_workshop_last_month(make)
    end = (LAST_MONTH + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    scope = ReportScope(LAST_MONTH, end, [], {}, every_site=True)
    plan = month_plan.Plan(scope, await default_framework())
    assert await months.refresh(plan, sites_per_store=1) == 3
    assert await months.refresh(plan, sites_per_store=1) == 0
    admin = await make.bearer(await make.user("admin"))
    response = await open_client.get(f"/api/v1/reports/outcomes?from={LAST_MONTH}&to={end}", headers=admin)
    activities = next(t for t in response.json()["tables"] if t["key"] == "activity")["rows"][0]["cells"]
    assert [cell["value"] for cell in activities] == [1, 1, 1, 3]
    assert await stored_sites(LAST_MONTH.isoformat()[:7]) == set(sites)


@pytest.mark.postgres_only
async def test_a_second_worker_leaves_the_upkeep_to_the_first(app, make, database_url):
    """PostgreSQL: while another transaction stores months (it holds the store lock), the upkeep stores nothing
    and stops; once it is released, the upkeep stores them all."""
    import asyncpg

    await three_sites_with_a_workshop_last_month(make)
    other = await asyncpg.connect(database_url)
    try:
        await other.execute("BEGIN")
        await other.execute(f"SELECT pg_advisory_xact_lock({STORE_LOCK})")
        assert await month_fold.warm(paris_today()) == 0
        await other.execute("COMMIT")
    finally:
        await other.close()
    assert await stored_sites(LAST_MONTH.isoformat()[:7]) == set()
    assert await month_fold.warm(paris_today()) == 3


async def test_without_a_default_framework_the_report_answers_without_the_divide(app, open_client, make):
    """No framework marked default: the report over a period cut mid-month still answers, with no divide."""
    from inclusion.storage.tables.frameworks import Framework

    sites = await three_sites_with_a_workshop_last_month(make)
    await Framework.update({Framework.is_default: False}, force=True)
    admin = await make.bearer(await make.user("admin"))
    query = f"site={sites[0]}&from={LAST_MONTH + timedelta(days=1)}&to={paris_today()}"
    response = await open_client.get(f"/api/v1/reports/outcomes?{query}", headers=admin)
    assert response.status_code == 200, response.text
    keys = {table["key"] for table in response.json()["tables"]}
    assert "activity" in keys and not any(key.startswith(("fragility", "levels:")) for key in keys)


@pytest.mark.postgres_only
async def test_a_second_worker_leaves_the_sites_shares_to_the_first(app, make, database_url):
    """PostgreSQL: while another worker computes the network's shares (it holds their lock), the upkeep computes
    none; once it is released, the upkeep computes every site's."""
    import asyncpg

    from inclusion.storage.tables.reports import ReportSitePart

    await three_sites_with_a_workshop_last_month(make)
    other = await asyncpg.connect(database_url)
    try:
        await other.execute(f"SELECT pg_advisory_lock({month_fold.SHARES_LOCK})")
        assert await month_fold.warm_shares(paris_today()) == 0
        assert await ReportSitePart.count() == 0
    finally:
        await other.close()
    assert await month_fold.warm_shares(paris_today()) == 3
