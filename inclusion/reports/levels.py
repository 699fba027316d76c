"""The report's territorial level and its columns: sites in several régions are summed by région, sites of one
région in several départements by département, otherwise each site has its column (then, always, the whole set).

A site's département and région come from its commune's INSEE code (`inclusion.sites.territory`, the INSEE's
Code officiel géographique 2026). Sites whose code names no département form one column of their own
("Territoire non renseigné") and do not count in the choice of the level. A column's key is the one stored
per-group rows carry in their "site" field: "region:32", "departement:62" (see `assemble.Columns`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inclusion.errors import InvalidData
from inclusion.sites import territory
from inclusion.sites.territory import UNKNOWN, Place
from inclusion.storage.tables.sites import Site

REGION, DEPARTEMENT, SITE = "region", "departement", "site"
LEVEL_LABELS = {REGION: "régions", DEPARTEMENT: "départements", SITE: "sites"}


@dataclass(frozen=True)
class Column:
    key: str  # "region:32", "departement:62", "site:17" ("region:" for the sites without a known territory)
    label: str  # "Hauts-de-France", "Pas-de-Calais (62)", the site's name
    level: str  # REGION, DEPARTEMENT or SITE
    site_ids: tuple[int, ...]
    code: str = ""  # the région's or département's code


async def places(site_ids: list[int]) -> dict[int, Place]:
    """Each site's département and région, from its INSEE code."""
    if not site_ids:
        return {}
    rows = await Site.select(Site.id, Site.insee_code).where(Site.id.is_in(sorted(site_ids))).run()
    return {row["id"]: territory.place_of(row["insee_code"]) for row in rows}


def level_of(found: list[Place]) -> str:
    """REGION above one région, DEPARTEMENT above one département, else SITE; unknown places do not count."""
    known = [place for place in found if place.departement != UNKNOWN]
    if len({place.region for place in known}) > 1:
        return REGION
    if len({place.departement for place in known}) > 1:
        return DEPARTEMENT
    return SITE


def _name(level: str, code: str) -> str:
    return territory.region_name(code) if level == REGION else territory.departement_name(code)


def columns_of(sites: list[dict[str, Any]], where: dict[int, Place], by_site: bool = False) -> tuple[str, list[Column]]:
    """The level and its columns, for the report's sites (in their order: by name); `by_site`: one per site."""
    level = SITE if by_site else level_of([where[site["id"]] for site in sites if site["id"] in where])
    if level == SITE:
        return level, [Column(f"site:{site['id']}", site["name"], SITE, (site["id"],)) for site in sites]
    groups: dict[str, list[int]] = {}
    for site in sites:
        place = where.get(site["id"], Place(UNKNOWN, UNKNOWN))
        groups.setdefault(place.region if level == REGION else place.departement, []).append(site["id"])
    order = sorted(groups, key=lambda code: (code == UNKNOWN, _name(level, code) if level == REGION else code))
    return level, [Column(f"{level}:{code}", _name(level, code), level, tuple(groups[code]), code) for code in order]


def column_keys(columns: list[Column], where: dict[int, Place]) -> list[tuple[str, list[int | str]]]:
    """Per column, its key and what maps to it in `assemble.Columns`: its sites and, by région, the keys of its
    départements (a scope holding a whole département but not its whole région reads that département summed)."""
    found = []
    for column in columns:
        keys: list[int | str] = list(column.site_ids)
        if column.level == REGION:
            keys += sorted({f"{DEPARTEMENT}:{where[site].departement}" for site in column.site_ids if site in where})
        found.append((column.key, keys))
    return found


def described(columns: list[Column], readable: frozenset[int]) -> list[dict[str, Any]]:
    """The columns as the report gives them: a group is exact only when the caller may open every site in it."""
    return [
        {
            "key": column.key,
            "label": column.label,
            "level": column.level,
            "code": column.code,
            "sites": len(column.site_ids),
            "exact": all(site in readable for site in column.site_ids),
            "site_ids": list(column.site_ids),  # for the server's own pages; not in the API's answer
        }
        for column in columns
    ]


def check_territory(region: str | None, departement: str | None) -> tuple[str | None, str | None]:
    """The asked région and département codes, or 422 naming the field."""
    region = (region or "").strip() or None
    departement = (departement or "").strip().upper() or None
    wrong = {}
    if region is not None and region not in territory.regions():
        wrong["region"] = f"Région inconnue : « {region[:20]} » (attendu : un code de région de l'INSEE, ex. 32)."
    if departement is not None and departement not in territory.departements():
        wrong["departement"] = (
            f"Département inconnu : « {departement[:20]} » (attendu : un code de département de l'INSEE, ex. 62 ou 2A)."
        )
    if wrong:
        raise InvalidData(wrong)
    return region, departement


def within(place: Place, region: str | None, departement: str | None) -> bool:
    return (region is None or place.region == region) and (departement is None or place.departement == departement)


def territories(where: dict[int, Place]) -> list[dict[str, str]]:
    """The régions then, under each, the départements where these sites are: the dashboard's territory choice."""
    found = []
    for region in sorted({p.region for p in where.values() if p.region}, key=territory.region_name):
        found.append({"kind": REGION, "code": region, "label": territory.region_name(region)})
        for code in sorted({p.departement for p in where.values() if p.region == region}):
            found.append({"kind": DEPARTEMENT, "code": code, "label": territory.departement_name(code)})
    return found
