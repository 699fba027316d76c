"""Read-only share links to an outcomes report: made by coordinators, funders and administrators, opened without
login (HTML, PDF, CSV), expired → 410, revoked, unknown or tampered → 404, never beyond the creator's scope."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from litestar.testing import AsyncTestClient

from inclusion.app import create_app
from inclusion.reports.sharing.tokens import new_token
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.reports import ReportShare
from tests.conftest import TEST_SECRET
from tests.support.browser import csrf_from, logged_in
from tests.support.clock import paris_today
from tests.test_outcomes_privacy import PERIOD, crowd

API = "/api/v1/reports/outcomes"
SHARES = f"{API}/shares"


async def share(client, headers, **body) -> dict:
    response = await client.post(SHARES, headers=headers, json={"from": "2025-01-01", "to": "2025-12-31", **body})
    assert response.status_code == 201, response.text
    return response.json()


def cells_of(text: str) -> set[str]:
    """Every cell of a CSV answer."""
    return {cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";") for cell in row}


def path_of(created: dict) -> str:
    return urlsplit(created["url"]).path


async def test_a_link_opens_the_report_without_login_in_every_format(client, make, tmp_path):
    """HTML without the site picker or the share form, PDF and CSV; a coordinator reads exact figures, but the link
    they make is suppressed like a funder's view of the same sites: the same CSV, byte for byte."""
    small, large = await make.site("Petit site"), await make.site("Grand site")
    await crowd(make, small, {"feminin": 8, "masculin": 4}, first_name="Zéphyrine")
    await crowd(make, large, {"feminin": 15, "masculin": 15})
    headers = await make.bearer(await make.user("coordinator", small, large))
    created = await share(client, headers, sites=[small, large])
    assert created["from"] == "2025-01-01" and created["to"] == "2025-12-31"
    assert created["expires_on"] == (paris_today() + timedelta(days=30)).isoformat()
    assert [site["name"] for site in created["sites"]] == ["Grand site", "Petit site"]
    path = path_of(created)
    assert path.startswith("/shared/reports/")
    page = await client.get(path)
    assert page.status_code == 200, page.text
    html = page.text
    assert "lecture seule" in html and "<td>s</td>" in html and "<svg " in html
    assert "Diffusion restreinte" not in html
    assert 'id="site"' not in html and "Partager ce rapport" not in html and 'name="from"' not in html
    assert "Zéphyrine" not in html and "Quasimodo" not in html
    assert page.headers["cache-control"] == "no-store"
    assert f'href="{path}.pdf" data-download="PDF">PDF</a>' in html and f'href="{path}.csv"' in html
    shared = await client.get(f"{path}.csv")
    funder = await make.bearer(await make.user("funder", small, large))
    funders = await client.get(f"{API}.csv?site={small}&site={large}&{PERIOD}", headers=funder)
    assert shared.status_code == 200 and shared.content == funders.content and "s" in cells_of(shared.text)
    own = (await client.get(f"{API}.csv?site={small}&site={large}&{PERIOD}", headers=headers)).text
    assert "s" not in cells_of(own) and "Diffusion restreinte" in own
    document = await client.get(f"{path}.pdf")
    assert document.status_code == 200 and document.headers["content-type"] == "application/pdf"
    (tmp_path / "r.pdf").write_bytes(document.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    assert "secret statistique" in text and "Petit site" in text and "Zéphyrine" not in text
    entry = await AuditEntry.select().where(AuditEntry.action == "share").first().output(load_json=True).run()
    assert entry["target_id"] == created["id"] and entry["detail"]["expires_on"] == created["expires_on"]


async def test_an_expired_link_answers_410_in_french(client, make):
    """Past its expiry date, the link answers 410 with a French page; its files too."""
    site = await make.site()
    headers = await make.bearer(await make.user("coordinator", site))
    created = await share(client, headers, expires_on=paris_today().isoformat())
    assert (await client.get(path_of(created))).status_code == 200  # valid through its last day
    yesterday = paris_today() - timedelta(days=1)
    await ReportShare.update({ReportShare.expires_on: yesterday}).where(ReportShare.id == created["id"]).run()
    for suffix in ("", ".pdf", ".csv"):
        response = await client.get(path_of(created) + suffix)
        assert response.status_code == 410, (suffix, response.text)
    assert f"Ce lien de partage a expiré le {yesterday.strftime('%d/%m/%Y')}" in response.text
    listed = (await client.get(SHARES, headers=headers)).json()
    assert [item["status"] for item in listed] == ["expired"]


async def test_revoked_unknown_and_tampered_links_answer_404(client, make):
    """Revoked, altered in any part, signed for an id that does not exist, or garbage: 404, nothing shown."""
    site = await make.site()
    headers = await make.bearer(await make.user("coordinator", site))
    created = await share(client, headers)
    path = path_of(created)
    share_id, nonce, signature = path.rsplit("/", 1)[1].split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    forged = [
        f"{share_id}.{nonce}.{flipped}",
        f"{int(share_id) + 1}.{nonce}.{signature}",
        f"{share_id}.{nonce}x.{signature}",
        new_token("une autre clé secrète", int(share_id)),
        new_token(TEST_SECRET, 999999),  # genuine signature, no such share
        "n-importe-quoi",
    ]
    for token in forged:
        response = await client.get(f"/shared/reports/{token}")
        assert response.status_code == 404, (token, response.text)
    assert "existe pas ou a été révoqué" in response.text
    assert (await client.delete(f"{SHARES}/{created['id']}", headers=headers)).status_code == 204
    for suffix in ("", ".pdf", ".csv"):
        assert (await client.get(path + suffix)).status_code == 404
    listed = (await client.get(SHARES, headers=headers)).json()
    assert [item["status"] for item in listed] == ["revoked"]
    assert await AuditEntry.count().where(AuditEntry.action == "unshare") == 1


async def test_only_the_creator_or_an_admin_lists_and_revokes_a_link(client, make):
    """Another coordinator of the same site neither sees nor revokes the link (404); an administrator does."""
    site = await make.site()
    mine = await make.bearer(await make.user("coordinator", site))
    other = await make.bearer(await make.user("coordinator", site))
    created = await share(client, mine)
    assert (await client.get(SHARES, headers=other)).json() == []
    assert (await client.delete(f"{SHARES}/{created['id']}", headers=other)).status_code == 404
    assert (await client.get(path_of(created))).status_code == 200
    admin = await make.bearer(await make.user("admin"))
    assert [item["id"] for item in (await client.get(SHARES, headers=admin)).json()] == [created["id"]]
    assert (await client.delete(f"{SHARES}/{created['id']}", headers=admin)).status_code == 204
    assert (await client.get(path_of(created))).status_code == 404


async def test_advisers_may_not_share_and_expiry_dates_are_checked(client, make):
    """An adviser gets 403 (DESIGN §2: publishing reports is not an adviser's part); expiry: today to a year."""
    site = await make.site()
    adviser = await make.bearer(await make.user("adviser", site))
    response = await client.post(SHARES, headers=adviser, json={})
    assert response.status_code == 403
    assert (await client.get(SHARES, headers=adviser)).status_code == 403
    headers = await make.bearer(await make.user("coordinator", site))
    for expires_on in (paris_today() - timedelta(days=1), paris_today() + timedelta(days=367)):
        response = await client.post(SHARES, headers=headers, json={"expires_on": expires_on.isoformat()})
        assert response.status_code == 422, response.text
        assert response.json()["details"][0]["field"] == "expires_on"
    other = await make.site()
    response = await client.post(SHARES, headers=headers, json={"sites": [other]})
    assert response.status_code == 404
    assert await ReportShare.count() == 0


async def test_a_funders_link_never_goes_beyond_its_grants(client, make):
    """The link keeps the funder's sites and grant days: another site and days outside the grant stay out."""
    granted, other = await make.site("Site subventionné"), await make.site("Site voisin")
    for day in (date(2025, 1, 15), date(2025, 4, 15), date(2025, 9, 15)):
        await make.activity(granted, date=day)
        await make.activity(other, date=day)
    account = await make.user("funder")
    await make.funder([(granted, date(2025, 3, 1), date(2025, 6, 30))], account["id"])
    headers = await make.bearer(account)
    assert (await client.post(SHARES, headers=headers, json={"sites": [other]})).status_code == 404
    created = await share(client, headers)
    assert [site["name"] for site in created["sites"]] == ["Site subventionné"]
    html = (await client.get(path_of(created))).text
    assert "Site subventionné" in html and "Site voisin" not in html
    assert "du 01/03/2025 au 30/06/2025" in html
    csv = (await client.get(path_of(created) + ".csv")).content.decode("utf-8-sig")
    assert "Site voisin" not in csv
    activity = next(line for line in csv.splitlines() if line.startswith("Chiffres clés;Activités"))
    assert activity.endswith(";1;1"), activity  # April only: January and September are outside the grant


async def test_the_dashboard_shares_without_javascript_and_revokes_after_confirmation(client, make):
    """The form makes the link and shows its URL once; the list offers a revoke step, then says it is revoked."""
    site = await make.site("Espace Jaurès")
    await logged_in(client, await make.user("coordinator", site))
    dashboard = await client.get(f"/reports/outcomes?{PERIOD}")
    assert "Partager ce rapport" in dashboard.text
    expires_on = (paris_today() + timedelta(days=10)).isoformat()
    form = {"csrf_token": csrf_from(dashboard), "from": "2025-01-01", "to": "2025-12-31", "expires_on": expires_on}
    response = await client.post("/reports/outcomes/shares", data=form)
    assert response.status_code == 201, response.text
    url = response.text.split('id="share-url" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert "/shared/reports/" in url and "Copiez-le maintenant" in response.text
    listing = await client.get("/reports/outcomes/shares")
    assert url not in listing.text and "Actif" in listing.text
    share_id = (await ReportShare.select(ReportShare.id).first())["id"]
    confirm = await client.get(f"/reports/outcomes/shares/{share_id}/revoke")
    assert confirm.status_code == 200 and "Révoquer ce lien de partage ?" in confirm.text
    done = await client.post(f"/reports/outcomes/shares/{share_id}/revoke", data={"csrf_token": csrf_from(confirm)})
    assert done.status_code == 303 and done.headers["location"] == "/reports/outcomes/shares?revoked=1"
    assert "Lien révoqué" in (await client.get(done.headers["location"])).text
    assert (await client.get(urlsplit(url).path)).status_code == 404
    form["expires_on"] = "2099-01-01"
    refused = await client.post("/reports/outcomes/shares", data=form)
    assert refused.status_code == 422 and "au plus tard dans un an" in refused.text


async def test_an_adviser_sees_no_share_button(client, make):
    """The dashboard offers sharing only to those who may share."""
    site = await make.site()
    await logged_in(client, await make.user("adviser", site))
    assert "Partager ce rapport" not in (await client.get(f"/reports/outcomes?{PERIOD}")).text
    assert (await client.get("/reports/outcomes/shares")).status_code == 403


@pytest.fixture
async def strict_client(settings):
    application = create_app(settings.with_changes(share_max_views=2))
    async with AsyncTestClient(app=application, base_url="http://testserver.local") as test_client:
        yield test_client


async def test_opening_links_is_rate_limited_per_address(client, strict_client, make):
    """Past the quota of views per address and window, a link answers 429 with Retry-After."""
    site = await make.site()
    created = await share(client, await make.bearer(await make.user("coordinator", site)))
    for _ in range(2):
        assert (await strict_client.get(path_of(created))).status_code == 200
    response = await strict_client.get(path_of(created) + ".csv")
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert "Trop de consultations" in response.text


async def test_each_shared_sites_coordinator_sees_the_link_and_its_revocation_in_their_journal(client, make):
    """A funder shares two sites' report: each site's coordinator reads the share, then its revocation, in their
    audit journal; a third site's coordinator reads neither."""
    first, second, third = [await make.site(name) for name in ("Espace Carnot", "Médiathèque Zola", "Bus numérique")]
    funder_user = await make.user("funder")
    await make.funder([(first, date(2025, 1, 1), date(2025, 12, 31)), (second, date(2025, 1, 1), date(2025, 12, 31))],
                      funder_user["id"])  # fmt: skip
    funder = await make.bearer(funder_user)
    created = await share(client, funder, sites=[first, second])
    assert (await client.delete(f"{SHARES}/{created['id']}", headers=funder)).status_code == 204
    for site, expected in ((first, ["unshare", "share"]), (second, ["unshare", "share"]), (third, [])):
        coordinator = await make.bearer(await make.user("coordinator", site))
        journal = (await client.get("/api/v1/audit?action=share", headers=coordinator)).json()["items"]
        journal += (await client.get("/api/v1/audit?action=unshare", headers=coordinator)).json()["items"]
        found = sorted((item["action"], item["target_id"], item["site_id"]) for item in journal)
        assert found == sorted((action, created["id"], site) for action in expected), site


async def test_an_account_makes_at_most_twenty_links_an_hour(client, make, monkeypatch):
    """Past the hourly limit (3 here), a new link answers 429 in French with Retry-After, in the API and the
    form, and nothing is written: no link, no audit entry. Another account still shares."""
    from inclusion.reports.sharing import links as shares

    assert shares.MAX_PER_HOUR == 20
    monkeypatch.setattr(shares, "MAX_PER_HOUR", 3)
    site = await make.site("Espace Jaurès")
    coordinator = await make.user("coordinator", site)
    headers = await make.bearer(coordinator)
    for _ in range(3):
        await share(client, headers)
    refused = await client.post(SHARES, headers=headers, json={"from": "2025-01-01", "to": "2025-12-31"})
    assert refused.status_code == 429, refused.text
    assert "Vous avez créé 3 liens de partage en une heure : réessayez dans 60 minutes." in refused.json()["message"]
    assert 3500 <= int(refused.headers["retry-after"]) <= 3601
    await logged_in(client, coordinator)
    dashboard = await client.get(f"/reports/outcomes?{PERIOD}")
    form = {"csrf_token": csrf_from(dashboard), "from": "2025-01-01", "to": "2025-12-31"}
    page = await client.post("/reports/outcomes/shares", data=form)
    assert page.status_code == 429 and "liens de partage en une heure" in page.text
    assert await ReportShare.count() == 3
    assert await AuditEntry.count().where(AuditEntry.action == "share") == 3
    other = await make.bearer(await make.user("coordinator", site))
    assert (await share(client, other))["id"]
