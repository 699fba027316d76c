"""Sites through the API: who creates, who edits, what is valid."""

from inclusion.storage.tables.sites import Site

CARNOT = {
    "name": "Espace Carnot",
    "kind": "france_services",
    "address": "Rue Carnot",
    "postal_code": "62480",
    "city": "Le Portel",
    "insee_code": "62667",
    "siret": "13002526500013",
    "opening_hours": [
        {"day": "mardi", "opens": "14:00", "closes": "17:30"},
        {"day": "lundi", "opens": "09:00", "closes": "12:00"},
    ],
}


async def test_admin_creates_a_site(client, make):
    """An admin creates a site; it comes back with its id and sorted opening hours."""
    response = await client.post("/api/v1/sites", json=CARNOT, headers=await make.bearer(await make.user("admin")))
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Espace Carnot" and body["siret"] == "13002526500013" and body["itinerant"] is False
    assert [slot["day"] for slot in body["opening_hours"]] == ["lundi", "mardi"]
    assert await Site.count() == 1


async def test_a_bus_is_itinerant(client, make):
    """A site of kind bus_itinerant is stored as itinerant."""
    headers = await make.bearer(await make.user("admin"))
    bus = {"name": "Bus numérique", "kind": "bus_itinerant", "insee_code": "2A004"}
    response = await client.post("/api/v1/sites", json=bus, headers=headers)
    assert response.status_code == 201 and response.json()["itinerant"] is True


async def test_only_an_admin_creates_sites(client, make):
    """A coordinator, an adviser or a funder cannot create a site."""
    site = await make.site()
    for role in ("coordinator", "adviser", "funder"):
        headers = await make.bearer(await make.user(role, site))
        response = await client.post("/api/v1/sites", json=CARNOT, headers=headers)
        assert response.status_code == 403, role
    assert await Site.count() == 1


async def test_invalid_identifiers_are_refused_field_by_field(client, make):
    """A bad INSEE code, SIRET, postal code and opening slot are each named, and nothing is stored."""
    headers = await make.bearer(await make.user("admin"))
    bad = {
        **CARNOT,
        "insee_code": "20123",
        "siret": "13002526500014",
        "postal_code": "6248",
        "opening_hours": [{"day": "lundi", "opens": "12:00", "closes": "09:00"}],
    }
    response = await client.post("/api/v1/sites", json=bad, headers=headers)
    assert response.status_code == 422
    fields = {detail["field"]: detail["message"] for detail in response.json()["details"]}
    assert fields == {
        "insee_code": "Code INSEE invalide : 5 caractères, par exemple 62667 ou 2A004.",
        "siret": "SIRET invalide : 14 chiffres avec une clé de contrôle correcte.",
        "postal_code": "Code postal invalide : 5 chiffres.",
        "opening_hours[0]": "L'heure de fermeture doit suivre l'heure d'ouverture.",
    }
    assert await Site.count() == 0


async def test_la_poste_siret_uses_its_own_check(client, make):
    """La Poste's establishments pass with a digit sum divisible by 5, not Luhn."""
    headers = await make.bearer(await make.user("admin"))
    response = await client.post("/api/v1/sites", json={**CARNOT, "siret": "35600000000001"}, headers=headers)
    assert response.status_code == 201


async def test_la_poste_siret_failing_its_own_rule_is_refused(client, make):
    """35600000000014 passes Luhn but La Poste's establishments must have a digit sum divisible by 5: refused."""
    headers = await make.bearer(await make.user("admin"))
    response = await client.post("/api/v1/sites", json={**CARNOT, "siret": "35600000000014"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "siret", "message": "SIRET invalide : 14 chiffres avec une clé de contrôle correcte."}
    ]


async def test_list_is_scoped_paginated_and_filtered(client, make):
    """A user lists only their sites, page by page, and can search by name."""
    mine = [await make.site(f"Médiathèque {index:02d}", kind="mediatheque") for index in range(12)]
    await make.site("Ailleurs")
    headers = await make.bearer(await make.user("adviser", *mine))
    first = (await client.get("/api/v1/sites?per_page=5", headers=headers)).json()
    assert (first["total"], first["pages"], len(first["items"])) == (12, 3, 5)
    third = (await client.get("/api/v1/sites?per_page=5&page=3", headers=headers)).json()
    assert [item["name"] for item in third["items"]] == ["Médiathèque 10", "Médiathèque 11"]
    found = (await client.get("/api/v1/sites?q=thèque 07", headers=headers)).json()
    assert [item["name"] for item in found["items"]] == ["Médiathèque 07"]
    none = (await client.get("/api/v1/sites?kind=epn", headers=headers)).json()
    assert none["total"] == 0
    too_many = await client.get("/api/v1/sites?per_page=500", headers=headers)
    assert too_many.status_code == 422
    assert too_many.json()["details"] == [{"field": "per_page", "message": "Doit être inférieur ou égal à 200."}]


async def test_admin_lists_every_site(client, make):
    """An admin sees all sites."""
    for index in range(3):
        await make.site(f"S{index}")
    body = (await client.get("/api/v1/sites", headers=await make.bearer(await make.user("admin")))).json()
    assert body["total"] == 3


async def test_coordinator_edits_own_site_only(client, make):
    """A coordinator edits their site; another site answers 404 and stays unchanged."""
    own, other = await make.site("Mien"), await make.site("Autre")
    headers = await make.bearer(await make.user("coordinator", own))
    edited = await client.patch(f"/api/v1/sites/{own}", json={"city": "Le Portel", "siret": None}, headers=headers)
    assert edited.status_code == 200 and edited.json()["city"] == "Le Portel"
    refused = await client.patch(f"/api/v1/sites/{other}", json={"name": "Piraté"}, headers=headers)
    assert refused.status_code == 404
    assert refused.json()["message"] == "Site introuvable."
    assert (await Site.select(Site.name).where(Site.id == other).first())["name"] == "Autre"


async def test_adviser_and_funder_cannot_edit_their_site(client, make):
    """Advisers and funders see their site but may not change it."""
    site = await make.site("Mien")
    for role in ("adviser", "funder"):
        headers = await make.bearer(await make.user(role, site))
        assert (await client.get(f"/api/v1/sites/{site}", headers=headers)).status_code == 200
        assert (await client.patch(f"/api/v1/sites/{site}", json={"name": "X"}, headers=headers)).status_code == 403
    assert (await Site.select(Site.name).first())["name"] == "Mien"


async def test_bad_patch_changes_nothing(client, make):
    """A patch with one bad field is refused whole."""
    site = await make.site("Mien", city="Calais")
    headers = await make.bearer(await make.user("coordinator", site))
    response = await client.patch(f"/api/v1/sites/{site}", json={"city": "Boulogne", "siret": "123"}, headers=headers)
    assert response.status_code == 422
    assert (await Site.select(Site.city).first())["city"] == "Calais"
