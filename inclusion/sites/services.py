"""Sites: who may see and change them, and what makes one valid."""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec

from inclusion.clock import now
from inclusion.errors import InvalidData, PermissionDenied
from inclusion.scoping import Caller, Role, one_in_scope, site_filter
from inclusion.sites import publication
from inclusion.sites.schemas import SiteCreate, SiteKind, SitePatch
from inclusion.sites.validation import (
    international_phone,
    is_email,
    is_insee_code,
    is_rna,
    is_siret,
    is_time,
    is_url,
)
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
    *publication.COLUMNS,
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
    if values.get("rna") and not is_rna(values["rna"]):
        found["rna"] = "Numéro RNA invalide : W suivi de 9 caractères, par exemple W623001234."
    if values.get("phone") and international_phone(values["phone"]) is None:
        found["phone"] = "Numéro de téléphone invalide : 10 chiffres (03 21 00 00 00) ou format +33…"
    if values.get("email") and not is_email(values["email"]):
        found["email"] = "Adresse de courriel invalide."
    if values.get("website") and not is_url(values["website"]):
        found["website"] = "Adresse de site web invalide : elle commence par https:// ou http://."
    if (values.get("latitude") is None) != (values.get("longitude") is None) and (
        "latitude" in values or "longitude" in values
    ):
        found["latitude" if values.get("latitude") is None else "longitude"] = "Indiquez la latitude et la longitude."
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
    if "rna" in values:
        values["rna"] = (values["rna"] or "").replace(" ", "").upper() or None
    if values.get("phone"):
        values["phone"] = international_phone(values["phone"]) or values["phone"]
    for name, value in list(values.items()):
        if isinstance(value, list) and name != "opening_hours":
            values[name] = sorted(set(value), key=value.index)  # each value once, in the order given
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
    result = await fetch_page(Site, COLUMNS, clauses, [Site.name, Site.id], page)
    return dataclasses.replace(result, rows=[publication.with_publication(row) for row in result.rows])


async def get_site(caller: Caller, site_id: int) -> dict[str, Any]:
    row = await one_in_scope(Site.select(*COLUMNS).where(Site.id == site_id), caller, Site.id, "Site introuvable.")
    return publication.with_publication(row)


async def create_site(caller: Caller, data: SiteCreate) -> dict[str, Any]:
    if not caller.is_admin:
        raise PermissionDenied("Seul un administrateur peut créer un site.")
    values = _normalise(msgspec.to_builtins(data))
    if found := problems(values):
        raise InvalidData(found)
    values |= publication.calendar_change(values.pop("calendar_public"), False, False)
    async with db.write_transaction():
        site = Site(**values)
        await site.save().run()
    return await get_site(caller, site.id)


async def update_site(caller: Caller, site_id: int, patch: SitePatch) -> dict[str, Any]:
    site = await get_site(caller, site_id)  # 404 outside the caller's sites
    if caller.role not in EDITORS:
        raise PermissionDenied("Seuls les coordinateurs du site et les administrateurs peuvent le modifier.")
    values = _normalise(msgspec.to_builtins(patch))
    if found := problems({**_coordinates(site), **values}):
        raise InvalidData(found)
    if "calendar_public" in values or "new_calendar_link" in values:
        public = values.pop("calendar_public", site["calendar_public"])
        renew = values.pop("new_calendar_link", False)
        values |= publication.calendar_change(public, site["calendar_public"], renew)
    if values:
        async with db.write_transaction():
            await Site.update({**values, "updated_at": now()}).where(Site.id == site_id).run()
    return await get_site(caller, site_id)


def _coordinates(site: dict[str, Any]) -> dict[str, Any]:
    return {"latitude": site["latitude"], "longitude": site["longitude"]}
