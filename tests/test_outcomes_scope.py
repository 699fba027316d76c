"""Who may read the outcomes report of which sites and days, and the answers to bad input."""

from __future__ import annotations

from datetime import date

API = "/api/v1/reports/outcomes"


def activities(body: dict) -> list:
    table = next(table for table in body["tables"] if table["key"] == "activity")
    return [cell["value"] for cell in table["rows"][0]["cells"]]


async def test_a_funder_sees_only_its_grant_periods(client, make):
    """The period is clipped to the union of the grants: overlapping grants merge, a gap stays out."""
    site = await make.site("Financé")
    for day in (date(2025, 1, 10), date(2025, 2, 20), date(2025, 4, 2), date(2025, 5, 15), date(2025, 6, 20)):
        await make.activity(site, date=day)
    account = await make.user("funder")
    grants = [(site, date(2025, 1, 1), date(2025, 2, 28)), (site, date(2025, 2, 15), date(2025, 3, 31))]
    await make.funder([*grants, (site, date(2025, 6, 1), date(2026, 12, 31))], account["id"])
    headers = await make.bearer(account)
    response = await client.get(f"{API}?site={site}&from=2025-02-01&to=2025-12-31", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sites"][0]["periods"] == [
        {"date_from": "2025-02-01", "date_to": "2025-03-31"},
        {"date_from": "2025-06-01", "date_to": "2025-12-31"},
    ]
    assert activities(body) == [2, 2]  # 20 February and 20 June; January is before the asked period
    admin = await make.bearer(await make.user("admin"))
    everything = (await client.get(f"{API}?site={site}&from=2025-01-01&to=2025-12-31", headers=admin)).json()
    assert activities(everything) == [5, 5]


async def test_sites_outside_scope_or_grants_answer_404(client, make):
    """Another site, a site outside every grant of the period, or an unknown one answers 404 in every format."""
    mine, theirs = await make.site("Mien"), await make.site("Autre")
    coordinator = await make.bearer(await make.user("coordinator", mine))
    account = await make.user("funder")
    await make.funder([(mine, date(2025, 1, 1), date(2025, 6, 30))], account["id"])
    funder = await make.bearer(account)
    admin = await make.bearer(await make.user("admin"))
    refused = [
        (coordinator, f"site={theirs}"),
        (funder, f"site={theirs}"),
        (funder, f"site={mine}&from=2025-07-01&to=2025-12-31"),
        (admin, "site=999999"),
    ]
    for headers, query in refused:
        for suffix in ("", ".csv", ".xlsx"):
            response = await client.get(f"{API}{suffix}?{query}", headers=headers)
            assert response.status_code == 404, (query, suffix, response.text)
            assert response.json()["message"] == "Site introuvable."
    outside = await client.get(f"{API}?from=2025-07-01&to=2025-12-31", headers=funder)
    assert outside.status_code == 200 and outside.json()["sites"] == []
    inside = (await client.get(f"{API}?from=2025-01-01&to=2025-12-31", headers=funder)).json()
    assert [site["name"] for site in inside["sites"]] == ["Mien"]


async def test_every_role_reads_its_own_sites(client, make):
    """Without a site, each role gets every site it may see: an adviser its own, an admin all of them."""
    first, second = await make.site("Premier"), await make.site("Second")
    expected = {"adviser": ["Premier"], "coordinator": ["Premier", "Second"], "admin": ["Premier", "Second"]}
    for role, names in expected.items():
        sites = () if role == "admin" else (first,) if role == "adviser" else (first, second)
        headers = await make.bearer(await make.user(role, *sites))
        response = await client.get(f"{API}?from=2025-01-01&to=2025-12-31", headers=headers)
        assert response.status_code == 200, (role, response.text)
        assert [site["name"] for site in response.json()["sites"]] == names


async def test_a_funder_never_gets_a_name(client, make):
    """The funder's report carries counts only: no learner's name, and funders still get 403 on learner files."""
    site = await make.site()
    learner = await make.learner(site, "Zéphyrine", "Quasimodo")
    await make.activity(site, type="individuel", date=date(2025, 3, 4), learner=learner)
    headers = await make.bearer(await make.user("funder", site))
    response = await client.get(f"{API}?from=2025-01-01&to=2025-12-31", headers=headers)
    assert response.status_code == 200 and "Zéphyrine" not in response.text and "Quasimodo" not in response.text
    assert (await client.get("/api/v1/learners", headers=headers)).status_code == 403


async def test_bad_periods_answer_422_in_french(client, make):
    """A period running backwards or longer than 10 years answers 422 with the field in error; 10 years pass."""
    headers = await make.bearer(await make.user("admin"))
    backwards = await client.get(f"{API}?from=2025-06-01&to=2025-05-31", headers=headers)
    assert backwards.status_code == 422
    assert backwards.json()["details"] == [
        {"field": "to", "message": "La fin de la période (to) doit être postérieure ou égale à son début (from)."}
    ]
    too_long = await client.get(f"{API}.csv?from=2015-01-01&to=2025-01-01", headers=headers)
    assert too_long.status_code == 422
    assert too_long.json()["details"] == [{"field": "from", "message": "La période ne peut pas dépasser 10 ans."}]
    assert (await client.get(f"{API}?from=2015-01-01&to=2024-12-31", headers=headers)).status_code == 200
    malformed = await client.get(f"{API}?from=2025-13-01", headers=headers)
    assert malformed.status_code == 422
    assert malformed.json()["details"] == [
        {"field": "from", "message": "Date invalide : « 2025-13-01 » (attendu : AAAA-MM-JJ)."}
    ]
    assert (await client.get(f"{API}?from=2025-01-01&to=2025-12-31")).status_code == 401
