"""The report's table by site, on demand: one row per site with its commune, département and région and the
report's main figures, paged, or whole for the CSV and XLSX files.

The figures are the report's own cells. At the site level (one département or fewer) they are the report's
columns. Above, each département's sites are one block, computed as the report of those sites by site, which is
what `?departement=` gives the same caller: each block suppressed as one report (`grid.publish`), so no hidden
cell can be found again from the cells of its block, and every page or file shows a site's cells as its
département's report does. The rows come by région, département, then site name."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from inclusion.reports import levels, services
from inclusion.reports.scope import ReportScope, check_period, resolve_scope
from inclusion.scoping import Caller
from inclusion.sites import territory
from inclusion.sites.territory import UNKNOWN, Place
from inclusion.storage.pagination import PageRequest
from inclusion.storage.tables.sites import Site

FIGURES = [  # (field, heading, table, row: a row's key or "total")
    ("activities", "Activités", "activity", "activities"),
    ("workshops", "Ateliers collectifs", "activity", "workshops"),
    ("sessions", "Séances individuelles", "activity", "sessions"),
    ("hours", "Heures d'accompagnement", "activity", "hours"),
    ("learners", "Apprenants accompagnés", "learners", "total"),
    ("new_learners", "Nouveaux apprenants", "learners", "nouveau"),
    ("participants", "Participants présents", "participants", "total"),
    ("assessed", "Apprenants évalués sur le socle", "fragility_entry", "total"),
    ("fragile_entry", "En fragilité à la première évaluation", "fragility_entry", "fragile"),
    ("fragile_latest", "En fragilité à la dernière évaluation", "fragility_latest", "fragile"),
]
SHORT = {  # the headings of the page's narrower table
    "activities": "Activités", "workshops": "Ateliers", "sessions": "Séances indiv.", "hours": "Heures",
    "learners": "Accompagnés", "new_learners": "dont nouveaux", "participants": "Participants",
    "assessed": "Évalués", "fragile_entry": "Fragiles à l'entrée", "fragile_latest": "Fragiles à la fin",
}  # fmt: skip
MISSING = {"value": None, "display": "—"}  # a figure the report does not have (no default framework)


async def table_scope(
    caller: Caller, site_ids: list[int], date_from, date_to, today: date, region: str | None, departement: str | None
) -> ReportScope:
    """The report's scope, as `services.outcomes_report` resolves it (422 and 404 alike)."""
    region, departement = levels.check_territory(region, departement)
    date_from, date_to = check_period(date_from, date_to, today)
    scope = await resolve_scope(caller, site_ids, date_from, date_to)
    return await services.territory_scope(scope, region, departement)


def _cells(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per figure, the report's cells (one per site, then the block's whole set)."""
    tables = {table["key"]: table for table in report["tables"]}
    found = {}
    for name, _, key, row_key in FIGURES:
        table = tables.get(key)
        if table is None:
            continue
        rows = [table["total"]] if row_key == "total" else [row for row in table["rows"] if row["key"] == row_key]
        if rows and rows[0] is not None:
            found[name] = rows[0]["cells"]
    return found


async def blocks(scope: ReportScope) -> list[list[dict[str, Any]]]:
    """The scope's sites in the blocks their cells are decided in: the whole scope at the site level (the report
    itself), else one block per département, by région name then département code, the sites by name in each
    (the sites without a known territory last)."""
    where = await levels.places(scope.site_ids)
    if levels.level_of(list(where.values())) == levels.SITE:
        return [scope.sites] if scope.sites else []
    groups: dict[Place, list[dict[str, Any]]] = {}
    for site in scope.sites:
        groups.setdefault(where.get(site["id"], Place(UNKNOWN, UNKNOWN)), []).append(site)
    order = sorted(groups, key=lambda p: (p.departement == UNKNOWN, territory.region_name(p.region), p.departement))
    return [groups[place] for place in order]


async def site_rows(caller: Caller, scope: ReportScope, k: int, first: int, count: int) -> list[dict[str, Any]]:
    """The rows of the scope's sites from `first` (in the blocks' order), at most `count`: each block overlapping
    them is computed as the report of its sites, one column per site."""
    found = await blocks(scope)
    wanted = [site for block in found for site in block][first : first + max(count, 0)]
    if not wanted:
        return []
    about = await Site.select(Site.id, Site.insee_code, Site.city).where(Site.id.is_in([s["id"] for s in wanted])).run()
    about_by_id = {row["id"]: row for row in about}
    kept = {site["id"] for site in wanted}
    rows = []
    for block in found:
        if not kept.intersection(site["id"] for site in block):
            continue
        part = replace(scope, sites=block, windows={s["id"]: scope.windows[s["id"]] for s in block}, every_site=False)
        report = await services.scope_report(part, k, services.readable_sites(caller, part), by_site=True)
        cells = _cells(report)
        for index, site in enumerate(block):
            if site["id"] in kept:
                exact = report["columns"][index]["exact"]
                rows.append(_row(site, exact, about_by_id.get(site["id"], {}), cells, index))
    return rows


def _row(site: dict, exact: bool, about: dict, cells: dict[str, list[dict]], index: int) -> dict[str, Any]:
    code = about.get("insee_code") or ""
    place = territory.place_of(code)
    return {
        "id": site["id"],
        "name": site["name"],
        "insee_code": code,
        "commune": territory.commune_name(code) or about.get("city") or "",
        "departement": territory.departement_name(place.departement),
        "region": territory.region_name(place.region),
        "exact": exact,
        **{name: cells[name][index] if name in cells else MISSING for name, *_ in FIGURES},
    }


async def site_table(
    caller: Caller,
    k: int,
    today: date,
    site_ids: list[int],
    date_from: date | None,
    date_to: date | None,
    region: str | None = None,
    departement: str | None = None,
    page: PageRequest | None = None,
) -> dict[str, Any]:
    """A page of the table (every site when `page` is None), with the period and the paging figures."""
    scope = await table_scope(caller, site_ids, date_from, date_to, today, region, departement)
    total = len(scope.sites)
    first, count = (page.offset, page.per_page) if page else (0, total)
    per_page = page.per_page if page else max(total, 1)
    return {
        "date_from": scope.date_from,
        "date_to": min(scope.date_to, max(today, scope.date_from)),
        "small_cell_k": k,
        "items": await site_rows(caller, scope, k, first, count),
        "total": total,
        "page": page.page if page else 1,
        "per_page": per_page,
        "pages": max(1, -(-total // per_page)),
    }
