"""The French pages: sites, site form with inline errors, account and tokens."""

from inclusion.storage.tables.accounts import ApiToken
from inclusion.storage.tables.sites import Site
from tests.support.browser import csrf_from, logged_in


async def test_my_sites_lists_only_mine(client, make):
    """An adviser's site list shows their site and not the others."""
    mine = await make.site("Espace Carnot", city="Le Portel")
    await make.site("Médiathèque d'ailleurs")
    await logged_in(client, await make.user("adviser", mine))
    page = await client.get("/sites")
    assert "Espace Carnot" in page.text and "ailleurs" not in page.text
    assert "1 site" in page.text


async def test_empty_search_says_so(client, make):
    """A search with no result says so in French."""
    await logged_in(client, await make.user("adviser", await make.site("Espace Carnot")))
    page = await client.get("/sites?q=introuvable")
    assert "Aucun site ne correspond à « introuvable »" in page.text


async def test_site_page_shows_its_hours(client, make):
    """The site page shows the opening hours day by day."""
    site = await make.site("Espace Carnot", opening_hours=[{"day": "lundi", "opens": "09:00", "closes": "12:00"}])
    await logged_in(client, await make.user("adviser", site))
    page = await client.get(f"/sites/{site}")
    assert "09:00 – 12:00" in page.text and "Fermé" in page.text
    assert "Modifier" not in page.text


async def test_other_site_page_is_404(client, make):
    """Another site's page answers a French 404."""
    other = await make.site("Ailleurs")
    await logged_in(client, await make.user("adviser", await make.site("Mien")))
    page = await client.get(f"/sites/{other}")
    assert page.status_code == 404 and "Site introuvable." in page.text


async def test_coordinator_edits_a_site_in_the_form(client, make):
    """A coordinator saves the form, hours typed as text, and sees the change."""
    site = await make.site("Espace Carnot")
    csrf = await logged_in(client, await make.user("coordinator", site))
    form = await client.get(f"/sites/{site}/edit")
    assert form.status_code == 200 and csrf_from(form) == csrf
    data = {
        "csrf_token": csrf,
        "name": "Espace Carnot (FS)",
        "kind": "france_services",
        "insee_code": "62667",
        "postal_code": "62480",
        "city": "Le Portel",
        "hours_mardi": "9h-12h, 14:00-17:30",
    }
    response = await client.post(f"/sites/{site}/edit", data=data)
    assert response.status_code == 303 and response.headers["location"] == f"/sites/{site}?saved=1"
    page = await client.get(response.headers["location"])
    assert "Modifications enregistrées." in page.text and "14:00 – 17:30" in page.text
    stored = await Site.select(Site.name, Site.opening_hours).first().output(load_json=True)
    assert stored["opening_hours"] == [
        {"day": "mardi", "opens": "09:00", "closes": "12:00"},
        {"day": "mardi", "opens": "14:00", "closes": "17:30"},
    ]


async def test_form_errors_show_inline_and_change_nothing(client, make):
    """Bad INSEE code and unreadable hours show beside their fields; the site is unchanged."""
    site = await make.site("Espace Carnot")
    csrf = await logged_in(client, await make.user("coordinator", site))
    data = {"csrf_token": csrf, "name": "Nouveau nom", "kind": "france_services", "insee_code": "12", "siret": ""}
    response = await client.post(f"/sites/{site}/edit", data=data)
    assert response.status_code == 422
    assert 'id="insee_code-error"' in response.text and "Code INSEE invalide" in response.text
    assert 'value="Nouveau nom"' in response.text
    hours = await client.post(f"/sites/{site}/edit", data={**data, "insee_code": "62667", "hours_lundi": "matin"})
    assert hours.status_code == 422 and "Format attendu : 09:00-12:00, 14:00-17:30." in hours.text
    assert (await Site.select(Site.name).first())["name"] == "Espace Carnot"


async def test_admin_creates_a_site_in_the_form(client, make):
    """An admin creates a site from the form."""
    csrf = await logged_in(client, await make.user("admin"))
    data = {"csrf_token": csrf, "name": "EPN de Wimereux", "kind": "epn", "insee_code": "62893", "itinerant": "on"}
    response = await client.post("/sites/new", data=data)
    assert response.status_code == 303
    assert (await Site.select(Site.name, Site.itinerant).first()) == {"name": "EPN de Wimereux", "itinerant": True}


async def test_tokens_page_creates_shows_once_and_revokes_after_confirmation(client, make):
    """The account page creates a token shown once; revoking asks for confirmation first."""
    csrf = await logged_in(client, await make.user("adviser"))
    empty = await client.get("/account")
    assert "Vous n'avez encore créé aucun token." in empty.text
    created = await client.post("/account/tokens", data={"csrf_token": csrf, "name": "Tableur"})
    assert created.status_code == 201 and "il ne sera plus jamais affiché" in created.text
    token_id = (await ApiToken.select(ApiToken.id).first())["id"]
    again = await client.get("/account")
    assert "inc_" in again.text and "Copiez-le maintenant" not in again.text
    confirm = await client.get(f"/account/tokens/{token_id}/revoke")
    assert "Révoquer le token « Tableur » ?" in confirm.text
    assert (await ApiToken.select(ApiToken.revoked_at).first())["revoked_at"] is None
    done = await client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert done.status_code == 303
    assert (await ApiToken.select(ApiToken.revoked_at).first())["revoked_at"] is not None


async def test_empty_token_name_shows_inline_error(client, make):
    """A token without a name is refused beside the field."""
    csrf = await logged_in(client, await make.user("adviser"))
    response = await client.post("/account/tokens", data={"csrf_token": csrf, "name": " "})
    assert response.status_code == 422 and "Donnez au token un nom" in response.text
    assert await ApiToken.count() == 0
