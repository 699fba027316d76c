"""One error shape everywhere: status, French message, per-field details."""

import pytest
from litestar import get

from inclusion.storage.tables.sites import Site

VALID_SITE = {"name": "Médiathèque de Calais", "kind": "mediatheque", "insee_code": "62193"}


async def test_validation_error_has_the_pinned_shape(client, make):
    """A field the rules refuse answers 422 with the exact documented body."""
    admin = await make.user("admin")
    response = await client.post(
        "/api/v1/sites", json={**VALID_SITE, "insee_code": "6219"}, headers=await make.bearer(admin)
    )
    assert response.status_code == 422
    assert response.json() == {
        "status": 422,
        "message": "Certaines données sont invalides.",
        "details": [
            {"field": "insee_code", "message": "Code INSEE invalide : 5 caractères, par exemple 62667 ou 2A004."}
        ],
    }


async def test_type_errors_are_reported_per_field_in_french(client, make):
    """A wrong type, a missing field and an unknown field each name the field in French."""
    headers = await make.bearer(await make.user("admin"))
    wrong_type = await client.post("/api/v1/sites", json={**VALID_SITE, "itinerant": "oui"}, headers=headers)
    assert wrong_type.status_code == 422
    assert wrong_type.json()["details"] == [
        {"field": "itinerant", "message": "Valeur attendue : un booléen (true ou false) (reçu : du texte)."}
    ]
    missing = await client.post("/api/v1/sites", json={"name": "X", "kind": "epn"}, headers=headers)
    assert missing.json()["details"] == [{"field": "insee_code", "message": "Ce champ est obligatoire."}]
    unknown = await client.post("/api/v1/sites", json={**VALID_SITE, "colour": "bleu"}, headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["details"] == [{"field": "colour", "message": "Ce champ n'est pas reconnu."}]
    nested = await client.post(
        "/api/v1/sites",
        json={**VALID_SITE, "opening_hours": [{"day": "lundi", "opens": "09:00"}]},
        headers=headers,
    )
    assert nested.json()["details"] == [{"field": "opening_hours[0].closes", "message": "Ce champ est obligatoire."}]
    assert await Site.count() == 0


async def test_malformed_json_is_a_400_that_changes_nothing(client, make):
    """A body that is not JSON is refused with a French message."""
    headers = {**await make.bearer(await make.user("admin")), "content-type": "application/json"}
    response = await client.post("/api/v1/sites", content=b'{"name": ', headers=headers)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Requête mal formée")
    assert await Site.count() == 0


async def test_unknown_api_route_is_a_json_404(client):
    """An unknown API path answers the JSON error shape."""
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "message": "Ressource introuvable.", "details": []}


async def test_unknown_page_is_a_french_html_404(client):
    """An unknown page answers a French HTML page."""
    response = await client.get("/nulle-part", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page introuvable" in response.text


@pytest.mark.own_app
async def test_server_error_page_hides_internals(app, client, caplog):
    """A crash answers a French 500 that says nothing about the code and gives the reference of its log line."""

    @get("/boom", include_in_schema=False, opt={"public": True})
    async def boom() -> str:
        raise RuntimeError("secret internal detail")

    @get("/api/v1/boom", include_in_schema=False, opt={"public": True})
    async def api_boom() -> str:
        raise RuntimeError("secret internal detail")

    app.register(boom)
    app.register(api_boom)
    page = await client.get("/boom")
    assert page.status_code == 500
    assert "Erreur interne" in page.text and "secret" not in page.text and "Traceback" not in page.text
    api = await client.get("/api/v1/boom")
    reference = api.headers["x-request-id"]
    assert api.json() == {
        "status": 500,
        "message": f"Erreur interne du serveur. L'incident a été enregistré sous la référence {reference}.",
        "details": [],
    }
    logged = [record for record in caplog.records if record.name == "inclusion.errors"]
    assert "secret internal detail" in logged[-1].exc_text
    assert logged[-1].request_id == reference and reference != page.headers["x-request-id"]


async def test_forbidden_page_is_french(client, make):
    """An adviser opening the admin-only site form gets a French 403 page."""
    from tests.support.browser import logged_in

    site = await make.site()
    await logged_in(client, await make.user("adviser", site))
    response = await client.get("/sites/new")
    assert response.status_code == 403
    assert "Accès refusé" in response.text
