"""The outcomes report of a set of sites over a period: aggregates only, small cells hidden (see `suppression`)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from typing import Any

from inclusion import clock
from inclusion.errors import NotFound
from inclusion.reports import breakdowns, levels, quality, queries, site_parts, synthesis
from inclusion.reports.assemble import Columns, activity_grids, months_between, people_grids, topic_grids, voucher_grids
from inclusion.reports.divide import default_framework, divide_grids
from inclusion.reports.grid import Privacy, publish
from inclusion.reports.grouped import grouped_shares
from inclusion.reports.scope import ReportScope, check_period, resolve_scope, up_to
from inclusion.reports.shares import site_shares
from inclusion.scoping import Caller, Role
from inclusion.storage.tables.sites import Site


async def selectable_sites(caller: Caller) -> list[dict[str, Any]]:
    """The sites the caller may put in a report, by name (a funder's: those of its grants, any period)."""
    query = Site.select(Site.id, Site.name).order_by(Site.name).order_by(Site.id)
    if not caller.is_admin:
        query = query.where(Site.id.is_in(sorted(caller.site_ids) or [0]))
    return await query.run()


async def outcomes_report(
    caller: Caller,
    site_ids: list[int],
    date_from: date | None,
    date_to: date | None,
    k: int,
    today: date,
    region: str | None = None,
    departement: str | None = None,
) -> dict[str, Any]:
    """Every figure of the report for these sites (none: all the caller may see), within this région or
    département (codes of the INSEE; none: anywhere), and this period."""
    region, departement = levels.check_territory(region, departement)
    date_from, date_to = check_period(date_from, date_to, today)
    scope = await territory_scope(await resolve_scope(caller, site_ids, date_from, date_to), region, departement)
    return await scope_report(scope, k, readable_sites(caller, scope))


async def territory_scope(scope: ReportScope, region: str | None, departement: str | None) -> ReportScope:
    """The scope's sites in the région and département asked; 404 when none is there, like a site outside it."""
    if region is None and departement is None:
        return scope
    where = await levels.places(scope.site_ids)
    sites = [site for site in scope.sites if levels.within(where[site["id"]], region, departement)]
    if not sites:
        raise NotFound("Aucun de vos sites dans ce territoire.")
    windows = {site["id"]: scope.windows[site["id"]] for site in sites}
    return replace(scope, sites=sites, windows=windows, every_site=False)


async def _shares(scope: ReportScope, framework: dict[str, Any] | None, level: str):
    """The per-site rows of the report; above the sites' level, whole territories of the default period come as
    one stored sum each (`grouped`), a région's only when the report is by région."""
    if level == levels.SITE:
        return await site_shares(scope, framework, clock.today())
    return await grouped_shares(scope, framework, clock.today(), regions=level == levels.REGION)


READERS = {Role.admin, Role.coordinator, Role.adviser}


def readable_sites(caller: Caller, scope: ReportScope) -> frozenset[int]:
    """The report's sites whose records the caller may open (admin; coordinator or adviser of the site): their
    figures are exact. Never a funder's, whatever its grants."""
    if caller.role not in READERS:
        return frozenset()
    return frozenset(site for site in scope.site_ids if caller.can_see_site(site))


def privacy_of(columns: list[levels.Column], k: int, readable: frozenset[int]) -> Privacy:
    """K and the exact columns: each column whose every site is readable, and the whole set's when every site
    of the report is."""
    exact = {index for index, column in enumerate(columns) if all(site in readable for site in column.site_ids)}
    if columns and len(exact) == len(columns):
        exact.add(len(columns))
    return Privacy(k, frozenset(exact))


async def scope_report(
    scope: ReportScope, k: int, readable: frozenset[int] = frozenset(), by_site: bool = False
) -> dict[str, Any]:
    """Every figure of the report for a resolved scope (a caller's now, or the one a share link froze, which is
    always suppressed: `readable` empty). The sites in `readable` get exact figures; days still to come count for
    nothing. Its columns are the level's (`levels`), or one per site when `by_site`."""
    scope = up_to(scope, clock.today())
    date_from, date_to = scope.date_from, scope.date_to
    where = await levels.places(scope.site_ids)
    level, shown = levels.columns_of(scope.sites, where, by_site)
    privacy = privacy_of(shown, k, readable)
    columns = Columns(scope.site_ids, None if level == levels.SITE else levels.column_keys(shown, where))
    framework = await default_framework()
    (found, _), days, vouchers, feedback = await asyncio.gather(
        _shares(scope, framework, level),
        queries.site_days(scope),
        queries.vouchers(scope),
        quality.rows(scope),
    )
    volume, present, topics, referrals, monthly, people, divide, activity_breakdowns = (
        found[part] for part in site_parts.PARTS
    )
    people_tables = people_grids(columns, people)
    names = await breakdowns.commune_names(set(breakdowns.top_communes(people)))
    grids = [
        *activity_grids(columns, volume, present, days, months_between(date_from, date_to)),
        *people_tables,
        breakdowns.commune_grid(columns, people, names, people_tables[0].total),
        *divide_grids(framework, divide, monthly, columns),
        *topic_grids(columns, topics, referrals),
        breakdowns.partner_grid(columns, activity_breakdowns, months_between(date_from, date_to)),
        *voucher_grids(columns, vouchers),
        *breakdowns.activity_breakdowns(columns, activity_breakdowns),
        *quality.grids(columns, feedback),
    ]
    report = {
        "date_from": date_from,
        "date_to": date_to,
        "small_cell_k": k,
        "restricted": privacy.restricted,
        "level": level,
        "site_count": len(scope.sites),
        "columns": levels.described(shown, readable),
        "sites": [
            {
                "id": site["id"],
                "name": site["name"],
                "exact": site["id"] in readable,
                "periods": [{"date_from": start, "date_to": end} for start, end in scope.windows[site["id"]]],
            }
            for site in (scope.sites if level == levels.SITE else [])
        ],
        "tables": [publish(grid, privacy) for grid in grids],
    }
    found = synthesis.headline(report)
    return report | {"headline": found["sentence"] if found else "", "service_quality": synthesis.quality(report)}
