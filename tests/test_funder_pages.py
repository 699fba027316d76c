"""Administrators manage funders in the browser: create one, give it a grant and an account."""

from __future__ import annotations

from tests.support.browser import logged_in


async def test_an_admin_creates_a_funder_adds_a_grant_and_an_account(client, make):
    """The funder's page lists its grant with the amount in euros; the account then sees the granted site."""
    site = await make.site("Espace Jaurès")
    account = await make.user("funder")
    csrf = await logged_in(client, await make.user("admin"))
    created = await client.post("/funders", data={"csrf_token": csrf, "name": "CAF du Rhône", "type": "caf"})
    assert created.status_code == 303
    url = created.headers["location"].split("?")[0]
    grant = {"csrf_token": csrf, "site_id": str(site), "starts_on": "2025-01-01", "ends_on": "2025-12-31"}
    assert (await client.post(f"{url}/grants", data=grant | {"amount": "15000,50"})).status_code == 303
    linked = await client.post(f"{url}/accounts", data={"csrf_token": csrf, "user_ids": str(account["id"])})
    assert linked.status_code == 303
    detail = (await client.get(url)).text
    assert "Espace Jaurès" in detail and "du 01/01/2025 au 31/12/2025" in detail and "15 000,50 €" in detail
    me = (await client.get("/api/v1/me", headers=await make.bearer(account))).json()
    assert me["site_ids"] == [site]
    listing = (await client.get("/funders")).text
    assert "CAF du Rhône" in listing


async def test_a_bad_grant_is_refused_beside_its_field(client, make):
    """A grant ending before it starts comes back with the French message beside the last day."""
    site = await make.site()
    csrf = await logged_in(client, await make.user("admin"))
    created = await client.post("/funders", data={"csrf_token": csrf, "name": "Commune", "type": "commune"})
    url = created.headers["location"].split("?")[0]
    grant = {"csrf_token": csrf, "site_id": str(site), "starts_on": "2025-06-01", "ends_on": "2025-01-01"}
    response = await client.post(f"{url}/grants", data=grant)
    assert response.status_code == 422
    assert 'id="ends_on-error"' in response.text and "La fin de la subvention doit suivre son début." in response.text


async def test_only_admins_reach_the_funder_pages(client, make):
    """A coordinator gets the 403 page."""
    await logged_in(client, await make.user("coordinator", await make.site()))
    assert (await client.get("/funders")).status_code == 403
