"""Funders, their grants and their accounts through /api/v1/funders; a funder account sees its grants' sites."""

from __future__ import annotations

from datetime import date

from inclusion.demo.seed import FUNDER, FUNDER_ACCOUNT, seed_demo

API = "/api/v1"


async def test_an_admin_creates_a_funder_with_grants_and_accounts(client, make):
    """The funder comes back with its grants and accounts; the account then sees the granted sites, no others."""
    admin = await make.bearer(await make.user("admin"))
    funded, other = await make.site("Financé"), await make.site("Autre")
    account = await make.user("funder")
    body = {
        "name": "Préfecture du Rhône",
        "type": "etat_prefecture",
        "grants": [{"site_id": funded, "starts_on": "2025-01-01", "ends_on": "2025-12-31", "amount_cents": 1500000}],
        "user_ids": [account["id"]],
    }
    response = await client.post(f"{API}/funders", json=body, headers=admin)
    assert response.status_code == 201, response.text
    funder = response.json()
    assert funder["user_ids"] == [account["id"]] and funder["type"] == "etat_prefecture"
    assert [(g["site_id"], g["amount_cents"]) for g in funder["grants"]] == [(funded, 1500000)]
    me = (await client.get(f"{API}/me", headers=await make.bearer(account))).json()
    assert me["site_ids"] == [funded]
    listed = (await client.get(f"{API}/funders", headers=admin)).json()
    assert [item["name"] for item in listed] == ["Préfecture du Rhône"]
    grant = await client.post(
        f"{API}/funders/{funder['id']}/grants",
        json={"site_id": other, "starts_on": "2026-01-01", "ends_on": "2026-06-30"},
        headers=admin,
    )
    assert grant.status_code == 201 and grant.json()["amount_cents"] is None
    assert sorted((await client.get(f"{API}/me", headers=await make.bearer(account))).json()["site_ids"]) == sorted(
        [funded, other]
    )
    removed = await client.delete(f"{API}/funders/{funder['id']}/grants/{grant.json()['id']}", headers=admin)
    assert removed.status_code == 204
    assert (await client.get(f"{API}/me", headers=await make.bearer(account))).json()["site_ids"] == [funded]


async def test_grants_and_members_are_checked(client, make):
    """A grant ending before it starts, an unknown site or an account that is not a funder's answer 422 in French."""
    admin = await make.bearer(await make.user("admin"))
    site = await make.site()
    adviser = await make.user("adviser", site)
    bad = {
        "name": "CAF du Rhône",
        "type": "caf",
        "grants": [{"site_id": 999999, "starts_on": "2025-06-01", "ends_on": "2025-01-01"}],
        "user_ids": [adviser["id"]],
    }
    response = await client.post(f"{API}/funders", json=bad, headers=admin)
    assert response.status_code == 422
    fields = {detail["field"]: detail["message"] for detail in response.json()["details"]}
    assert fields == {
        "grants[0].ends_on": "La fin de la subvention doit suivre son début.",
        "grants[0].site_id": "Site inconnu.",
        "user_ids": f"Compte(s) de financeur inconnu(s) : {adviser['id']}.",
    }
    funder = await make.funder([(site, date(2025, 1, 1), date(2025, 12, 31))])
    grant_id = (await client.get(f"{API}/funders/{funder}/grants", headers=admin)).json()[0]["id"]
    patched = await client.patch(
        f"{API}/funders/{funder}/grants/{grant_id}", json={"ends_on": "2024-12-31"}, headers=admin
    )
    assert patched.status_code == 422 and patched.json()["details"][0]["field"] == "ends_on"
    assert (await client.get(f"{API}/funders/{funder}/grants/{grant_id}", headers=admin)).json()[
        "ends_on"
    ] == "2025-12-31"


async def test_a_funder_account_gets_its_sites_from_grants_only(client, make):
    """Creating a funder account with sites is refused: its funder's grants say what it sees."""
    admin = await make.bearer(await make.user("admin"))
    site = await make.site()
    body = {"email": "f@test.inclusion.test", "display_name": "F", "role": "funder", "site_ids": [site]}
    response = await client.post(f"{API}/users", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "site_ids"
    body["site_ids"] = []
    assert (await client.post(f"{API}/users", json=body, headers=admin)).status_code == 201


async def test_only_admins_manage_funders(client, make):
    """Coordinators, advisers and funders get 403 on the funders API."""
    site = await make.site()
    for role in ("coordinator", "adviser", "funder"):
        headers = await make.bearer(await make.user(role, site))
        assert (await client.get(f"{API}/funders", headers=headers)).status_code == 403
        body = {"name": "X", "type": "autre"}
        assert (await client.post(f"{API}/funders", json=body, headers=headers)).status_code == 403


async def test_the_demo_funder_account_belongs_to_the_prefecture(client, make):
    """The demo funder account belongs to a prefecture whose grant covers Espace Carnot's demo data."""
    await seed_demo()
    admin = await make.bearer(await make.user("admin"))
    funders = (await client.get(f"{API}/funders", headers=admin)).json()
    [prefecture] = [funder for funder in funders if funder["name"] == FUNDER]
    assert prefecture["type"] == "etat_prefecture" and len(prefecture["user_ids"]) == 1 and prefecture["grants"]
    sites = (await client.get(f"{API}/sites", headers=admin)).json()["items"]
    carnot = next(site["id"] for site in sites if site["name"].startswith("Espace Carnot"))
    assert {grant["site_id"] for grant in prefecture["grants"]} == {carnot}
    users = (await client.get(f"{API}/users?role=funder", headers=admin)).json()["items"]
    assert [(user["email"], user["site_ids"]) for user in users] == [(FUNDER_ACCOUNT, [carnot])]
