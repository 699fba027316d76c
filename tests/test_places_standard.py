"""Sites in the national "lieux de médiation numérique" standard: fields, checks, and the published file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from frictionless import Resource, Schema

from inclusion.storage.tables.sites import Site

STANDARD = Path(__file__).parent / "standards" / "lieux-mediation-numerique"
PLACES = "/api/v1/sites/lieux-mediation-numerique"
CARNOT = {
    "name": "Espace Carnot",
    "kind": "france_services",
    "address": "12 rue Carnot",
    "postal_code": "62480",
    "city": "Le Portel",
    "insee_code": "62667",
    "siret": "13002526500013",
    "opening_hours": [
        {"day": day, "opens": "09:00", "closes": "12:00"} for day in ("lundi", "mardi", "mercredi", "jeudi")
    ]
    + [{"day": "samedi", "opens": "09:30", "closes": "12:00"}],
    "address_complement": "Rez-de-chaussée",
    "latitude": 50.7081,
    "longitude": 1.5731,
    "typologies": ["RFS", "MUNI"],
    "summary": "Aide aux démarches et ateliers numériques.",
    "phone": "03 21 00 00 00",
    "email": "contact@carnot.example.fr",
    "website": "https://carnot.example.fr",
    "services": ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"],
    "publics": ["Seniors"],
    "specific_support": ["Illettrisme"],
    "fees": ["Gratuit"],
    "access_modes": ["Se présenter", "Téléphoner"],
    "support_modes": ["Accompagnement individuel", "Dans un atelier collectif"],
    "national_programmes": ["France Services", "Conseillers numériques"],
}


def standard_schema() -> Schema:
    return Schema.from_descriptor(json.loads((STANDARD / "schema.json").read_text()))


def errors_of(body: bytes) -> list[list]:
    report = Resource(body, format="csv", schema=standard_schema()).validate()
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


async def test_shipped_example_is_valid():
    """The example shipped beside the schema validates: the check itself works."""
    assert errors_of((STANDARD / "exemple-valide.csv").read_bytes()) == []


async def test_complete_sites_are_published_without_login_and_validate(client, make):
    """Without login, the CSV and JSON hold the complete sites only, and the CSV validates against the standard."""
    headers = await make.bearer(await make.user("admin"))
    assert (await client.post("/api/v1/sites", json=CARNOT, headers=headers)).status_code == 201
    bus = {**CARNOT, "name": "=Bus, le numérique", "kind": "bus_itinerant", "siret": None, "rna": "W623001234"}
    bus |= {"latitude": None, "longitude": None, "opening_hours": [], "typologies": [], "phone": "+33612345678"}
    assert (await client.post("/api/v1/sites", json=bus, headers=headers)).status_code == 201
    for incomplete in ({"siret": None}, {"services": []}):
        lacking = {**CARNOT, "name": "Incomplet", **incomplete}
        assert (await client.post("/api/v1/sites", json=lacking, headers=headers)).status_code == 201
    answer = await client.get(f"{PLACES}.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert errors_of(answer.content) == []
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [row["nom"] for row in rows] == ["Espace Carnot", "'=Bus, le numérique"]
    carnot, bus_row = rows
    assert carnot["horaires"] == "Mo-Th 09:00-12:00; Sa 09:30-12:00"
    assert carnot["telephone"] == "+33321000000" and carnot["pivot"] == "13002526500013"
    assert carnot["typologie"] == "RFS|MUNI" and carnot["itinerance"] == "Fixe"
    assert carnot["dispositif_programmes_nationaux"] == "France Services|Conseillers numériques"
    assert (bus_row["pivot"], bus_row["typologie"], bus_row["itinerance"]) == ("W623001234", "ENM", "Itinérant")
    places = (await client.get(f"{PLACES}.json")).json()
    assert [place["id"] for place in places] == [row["id"] for row in rows]
    assert places[0]["services"] == CARNOT["services"] and places[0]["latitude"] == 50.7081


async def test_coordinator_fills_the_standard_fields_and_sees_what_is_missing(client, make):
    """A coordinator's patch stores the standard's values; the site says what it lacks to be published."""
    site = await make.site("Médiathèque", address="1 place du Marché", postal_code="62200", city="Boulogne-sur-Mer")
    headers = await make.bearer(await make.user("coordinator", site))
    before = (await client.get(f"/api/v1/sites/{site}", headers=headers)).json()
    assert before["publication_missing"] == [
        "SIRET (ou numéro RNA pour une association sans SIRET)",
        "au moins un service proposé",
    ]
    patch = {"siret": "21620160800009", "services": ["Loisirs et créations numériques"], "fees": ["Payant", "Payant"]}
    after = await client.patch(f"/api/v1/sites/{site}", json=patch, headers=headers)
    assert after.status_code == 200, after.text
    assert after.json()["publication_missing"] == [] and after.json()["fees"] == ["Payant"]
    assert [place["nom"] for place in (await client.get(f"{PLACES}.json")).json()] == ["Médiathèque"]


async def test_bad_standard_values_answer_422_in_french(client, make):
    """Values off the standard's lists, bad phone, RNA, email, website or half coordinates: 422 per field, no change."""
    site = await make.site("Mien")
    headers = await make.bearer(await make.user("coordinator", site))
    enum = await client.patch(f"/api/v1/sites/{site}", json={"services": ["Jardinage"]}, headers=headers)
    assert enum.status_code == 422
    assert enum.json()["details"] == [{"field": "services[0]", "message": "Valeur non autorisée : 'Jardinage'."}]
    bad = {"phone": "12", "rna": "X1", "email": "pas-un-courriel", "website": "carnot.fr", "latitude": 50.7}
    response = await client.patch(f"/api/v1/sites/{site}", json=bad, headers=headers)
    assert response.status_code == 422
    assert {detail["field"]: detail["message"] for detail in response.json()["details"]} == {
        "phone": "Numéro de téléphone invalide : 10 chiffres (03 21 00 00 00) ou format +33…",
        "rna": "Numéro RNA invalide : W suivi de 9 caractères, par exemple W623001234.",
        "email": "Adresse de courriel invalide.",
        "website": "Adresse de site web invalide : elle commence par https:// ou http://.",
        "longitude": "Indiquez la latitude et la longitude.",
    }
    assert (await Site.select(Site.phone, Site.latitude).first()) == {"phone": "", "latitude": None}


async def test_coordinator_ticks_the_standard_lists_in_the_form(client, make):
    """The form stores ticked boxes, shows a bad phone inline with boxes kept, and the page says what is missing."""
    from tests.support.browser import logged_in

    site = await make.site("Espace Carnot")
    csrf = await logged_in(client, await make.user("coordinator", site))
    data = {
        "csrf_token": csrf, "name": "Espace Carnot", "kind": "france_services", "insee_code": "62667",
        "city": "Le Portel", "services": ["Aide aux démarches administratives", "Compréhension du monde numérique"],
        "national_programmes": ["France Services"], "phone": "0321", "latitude": "50,7081", "longitude": "1,5731",
    }  # fmt: skip
    refused = await client.post(f"/sites/{site}/edit", data=data)
    assert refused.status_code == 422 and 'id="phone-error"' in refused.text
    assert 'value="Compréhension du monde numérique" checked' in refused.text
    saved = await client.post(f"/sites/{site}/edit", data={**data, "phone": "03 21 00 00 00"})
    assert saved.status_code == 303
    stored = await Site.select(Site.services, Site.phone, Site.latitude).first().output(load_json=True)
    assert stored == {"services": data["services"], "phone": "+33321000000", "latitude": 50.7081}
    page = (await client.get(f"/sites/{site}")).text
    assert "Il manque :" in page and "SIRET (ou numéro RNA" in page and "<li>adresse</li>" in page
    assert "Aide aux démarches administratives · Compréhension du monde numérique" in page
    assert "<dd>03 21 00 00 00</dd>" in page


async def test_a_site_from_before_the_standard_reads_with_empty_fields(client, make):
    """A row with only the columns sites had before reads with empty standard fields and stays unpublished."""
    from piccolo.table import Table

    await Table.raw(
        "INSERT INTO site (name, kind, address, postal_code, city, insee_code, siret, itinerant, opening_hours, "
        "created_at, updated_at) VALUES ('Ancien', 'epn', '1 rue Haute', '62200', 'Boulogne', '62160', NULL, false, "
        "'[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    site = (await Site.select(Site.id).first())["id"]
    body = (await client.get(f"/api/v1/sites/{site}", headers=await make.bearer(await make.user("admin")))).json()
    assert (body["services"], body["typologies"], body["latitude"], body["rna"], body["calendar_path"]) == (
        [],
        [],
        None,
        None,
        None,
    )
    assert body["publication_missing"] == [
        "SIRET (ou numéro RNA pour une association sans SIRET)",
        "au moins un service proposé",
    ]
    assert (await client.get(f"{PLACES}.json")).json() == []
