"""Sites: who may see and change them, and what makes one valid."""

from __future__ import annotations

from typing import Any

import msgspec

from inclusion.clock import now
from inclusion.errors import InvalidData, PermissionDenied
from inclusion.scoping import Caller, Role, one_in_scope, site_filter
from inclusion.sites.schemas import SiteCreate, SiteKind, SitePatch
from inclusion.sites.validation import is_insee_code, is_siret, is_time
from inclusion.storage import db
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.sites import Site

COLUMNS = (
    Site.id,
    Site.name,
    Site.kind,
    Site.address,
    Site.postal_code,
    Site.city,
    Site.insee_code,
    Site.siret,
    Site.itinerant,
    Site.opening_hours,
    Site.created_at,
    Site.updated_at,
)
EDITORS = {Role.admin, Role.coordinator}


def problems(values: dict[str, Any]) -> dict[str, str]:
    """Per-field French messages for what the types alone do not catch."""
    found: dict[str, str] = {}
    if "name" in values and not values["name"].strip():
        found["name"] = "Indiquez le nom du site."
    if "insee_code" in values and not is_insee_code(values["insee_code"]):
        found["insee_code"] = "Code INSEE invalide : 5 caractères, par exemple 62667 ou 2A004."
    if values.get("siret") and not is_siret(values["siret"]):
        found["siret"] = "SIRET invalide : 14 chiffres avec une clé de contrôle correcte."
    if values.get("postal_code") and not (len(values["postal_code"]) == 5 and values["postal_code"].isdigit()):
        found["postal_code"] = "Code postal invalide : 5 chiffres."
    for index, slot in enumerate(values.get("opening_hours") or []):
        field = f"opening_hours[{index}]"
        if not is_time(slot["opens"]) or not is_time(slot["closes"]):
            found[field] = "Heures au format HH:MM attendues."
        elif slot["opens"] >= slot["closes"]:
            found[field] = "L'heure de fermeture doit suivre l'heure d'ouverture."
    return found


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    values = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
    if "siret" in values:
        values["siret"] = (values["siret"] or "").replace(" ", "") or None
    if "insee_code" in values:
        values["insee_code"] = values["insee_code"].upper()
    if values.get("kind") == SiteKind.bus_itinerant:
        values["itinerant"] = True
    if "opening_hours" in values:
        values["opening_hours"] = sorted(
            values["opening_hours"], key=lambda slot: (list(_WEEKDAYS).index(slot["day"]), slot["opens"])
        )
    return values


_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


async def list_sites(caller: Caller, page: PageRequest, query: str = "", kind: SiteKind | None = None) -> PageResult:
    clauses = [clause for clause in [site_filter(caller, Site.id)] if clause is not None]
    if query:
        clauses.append(db.contains(Site.name, query) | db.contains(Site.city, query))
    if kind:
        clauses.append(Site.kind == kind.value)
    return await fetch_page(Site, COLUMNS, clauses, [Site.name, Site.id], page)


async def get_site(caller: Caller, site_id: int) -> dict[str, Any]:
    return await one_in_scope(Site.select(*COLUMNS).where(Site.id == site_id), caller, Site.id, "Site introuvable.")


async def create_site(caller: Caller, data: SiteCreate) -> dict[str, Any]:
    if not caller.is_admin:
        raise PermissionDenied("Seul un administrateur peut créer un site.")
    values = _normalise(msgspec.to_builtins(data))
    if found := problems(values):
        raise InvalidData(found)
    async with db.write_transaction():
        site = Site(**values)
        await site.save().run()
    return await get_site(caller, site.id)


async def update_site(caller: Caller, site_id: int, patch: SitePatch) -> dict[str, Any]:
    await get_site(caller, site_id)  # 404 outside the caller's sites
    if caller.role not in EDITORS:
        raise PermissionDenied("Seuls les coordinateurs du site et les administrateurs peuvent le modifier.")
    values = _normalise(msgspec.to_builtins(patch))
    if found := problems(values):
        raise InvalidData(found)
    if values:
        async with db.write_transaction():
            await Site.update({**values, "updated_at": now()}).where(Site.id == site_id).run()
    return await get_site(caller, site_id)
