"""Sites in the national "lieux de médiation numérique" standard (v1.0.2): what a site lacks to be published,
its opening hours as an OpenStreetMap `opening_hours` string, and the rows of the published file."""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

from inclusion.clock import day_of
from inclusion.documents.spreadsheets import safe_cell
from inclusion.sites.standard import KIND_TYPOLOGY
from inclusion.storage.tables.sites import Site

COLUMNS = (
    Site.rna,
    Site.address_complement,
    Site.latitude,
    Site.longitude,
    Site.typologies,
    Site.summary,
    Site.phone,
    Site.email,
    Site.website,
    Site.services,
    Site.publics,
    Site.specific_support,
    Site.fees,
    Site.access_modes,
    Site.support_modes,
    Site.national_programmes,
    Site.calendar_public,
    Site.calendar_token,
)
# The fields of the standard, in its order; the file has them all, empty when unknown.
FIELDS = (
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse", "latitude",
    "longitude", "typologie", "telephone", "courriels", "site_web", "horaires", "presentation_resume",
    "presentation_detail", "source", "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels", "modalites_acces",
    "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
)  # fmt: skip
LISTED = {  # standard field: site column holding its values
    "services": "services",
    "publics_specifiquement_adresses": "publics",
    "prise_en_charge_specifique": "specific_support",
    "frais_a_charge": "fees",
    "dispositif_programmes_nationaux": "national_programmes",
    "modalites_acces": "access_modes",
    "modalites_accompagnement": "support_modes",
}
# What a site needs to be published: the standard's required fields, and at least one service (the national map
# lists a place by what it offers).
REQUIRED = (
    ("pivot", "SIRET (ou numéro RNA pour une association sans SIRET)"),
    ("adresse", "adresse"),
    ("code_postal", "code postal"),
    ("commune", "commune"),
    ("services", "au moins un service proposé"),
)
_OSM_DAYS = {"lundi": "Mo", "mardi": "Tu", "mercredi": "We", "jeudi": "Th", "vendredi": "Fr", "samedi": "Sa"}
_OSM_DAYS["dimanche"] = "Su"
CALENDAR_PREFIX = "/calendars/"


def osm_opening_hours(slots: list[dict[str, str]]) -> str:
    """Weekly slots as OpenStreetMap writes them: « Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00 » (days in a row
    with the same hours share one rule)."""
    by_day = {day: ",".join(f"{s['opens']}-{s['closes']}" for s in slots if s["day"] == day) for day in _OSM_DAYS}
    rules, run = [], []
    for day, hours in [*by_day.items(), ("", "")]:
        if run and (not hours or hours != by_day[run[0]]):
            first, last = _OSM_DAYS[run[0]], _OSM_DAYS[run[-1]]
            span = first if len(run) == 1 else f"{first},{last}" if len(run) == 2 else f"{first}-{last}"
            rules.append(f"{span} {by_day[run[0]]}")
            run = []
        if hours and day:
            run.append(day)
    return "; ".join(rules)


def pivot(site: dict[str, Any]) -> str:
    return site["siret"] or site["rna"] or ""


def missing(site: dict[str, Any]) -> list[str]:
    """In French, what the site lacks to be published; empty when it is published."""
    values = {"pivot": pivot(site), "adresse": site["address"], "code_postal": site["postal_code"]}
    values |= {"commune": site["city"], "services": site["services"]}
    return [label for field, label in REQUIRED if not values[field]]


def with_publication(site: dict[str, Any]) -> dict[str, Any]:
    """A site row with its OSM hours, what it lacks to be published and its public calendar path."""
    token = site.pop("calendar_token", None)
    return site | {
        "phone_display": national_phone(site["phone"]),
        "opening_hours_osm": osm_opening_hours(site["opening_hours"]),
        "publication_missing": missing(site),
        "calendar_path": f"{CALENDAR_PREFIX}{token}.ics" if site["calendar_public"] and token else None,
    }


def national_phone(phone: str) -> str:
    """+33321000000 as French readers write it, 03 21 00 00 00 (other numbers as stored)."""
    if phone.startswith("+33") and len(phone) == 12:
        digits = "0" + phone[3:]
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return phone


def calendar_change(public: bool, was_public: bool, renew: bool) -> dict[str, Any]:
    """The columns to write when the calendar is opened, closed or given a new link: opening it draws a new token,
    so a link handed out before it was closed stays dead; so does asking for a new link."""
    values: dict[str, Any] = {"calendar_public": public}
    if renew or (public and not was_public):
        values["calendar_token"] = secrets.token_urlsafe(32)
    return values


async def published_sites() -> list[dict[str, Any]]:
    """Every site that has what the standard needs, in the standard's fields."""
    rows = await Site.select(*_PUBLISHED).order_by(Site.id).output(load_json=True).run()
    return [place(row) for row in rows if not missing(row)]


_PUBLISHED = (
    Site.id, Site.name, Site.kind, Site.address, Site.postal_code, Site.city, Site.insee_code, Site.siret,
    Site.itinerant, Site.opening_hours, Site.updated_at, *COLUMNS[:-2],
)  # fmt: skip


def place(site: dict[str, Any]) -> dict[str, Any]:
    """One site as the standard describes a place; lists stay lists (the CSV joins them with `|`)."""
    typologies = site["typologies"] or [t for t in [KIND_TYPOLOGY.get(site["kind"])] if t]
    row: dict[str, Any] = dict.fromkeys(FIELDS)
    row |= {
        "id": f"inclusion-site-{site['id']}",
        "pivot": pivot(site),
        "nom": site["name"],
        "commune": site["city"],
        "code_postal": site["postal_code"],
        "code_insee": site["insee_code"] or None,
        "adresse": site["address"],
        "complement_adresse": site["address_complement"] or None,
        "latitude": site["latitude"],
        "longitude": site["longitude"],
        "typologie": [str(t) for t in typologies],
        "telephone": site["phone"] or None,
        "courriels": [site["email"]] if site["email"] else [],
        "site_web": [site["website"]] if site["website"] else [],
        "horaires": osm_opening_hours(site["opening_hours"]) or None,
        "presentation_resume": site["summary"] or None,
        "source": site["name"],
        "itinerance": ["Itinérant"] if site["itinerant"] else ["Fixe"],
        "date_maj": day_of(site["updated_at"]).isoformat(),
    }
    for field, column in LISTED.items():
        row[field] = list(site[column])
    return row


def places_csv(places: list[dict[str, Any]]) -> bytes:
    """The standard's CSV: comma-separated, every field quoted, UTF-8, multiple values joined with `|`; text a
    spreadsheet would run as a formula is quoted like in every other CSV of the service."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in places:
        writer.writerow([_cell(row[field]) for field in FIELDS])
    return buffer.getvalue().encode()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(value)
    return safe_cell(value) if isinstance(value, str) else str(value)
