"""Certificate pages without JavaScript: issue from the learner's file, revoke with confirmation, a cycle's ZIP."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from inclusion.storage.tables.certificates import Certificate
from tests.support.browser import logged_in
from tests.support.certificates import TODAY, pdf_text, typical_learner
from tests.support.clock import paris_today


async def test_an_adviser_issues_from_the_learner_page_and_downloads_it(client, make, tmp_path):
    """The file offers « Délivrer une attestation »; the form issues it, the file lists it with its PDF link."""
    setup = await typical_learner(client, make)
    token = await logged_in(client, await make.user("adviser", setup["site"]))
    learner_url = f"/learners/{setup['learner']}"
    page = (await client.get(learner_url)).text
    assert "Aucune attestation délivrée" in page and f"{learner_url}/certificates/new" in page
    form = await client.get(f"{learner_url}/certificates/new")
    assert form.status_code == 200 and 'name="period_start"' in form.text
    response = await client.post(
        f"{learner_url}/certificates/new", data={"csrf_token": token, "period_start": "", "period_end": ""}
    )
    assert response.status_code == 303 and response.headers["location"].startswith(f"{learner_url}?certified=")
    [certificate] = await Certificate.select(Certificate.id, Certificate.code)
    page = (await client.get(response.headers["location"])).text
    assert "Attestation délivrée" in page and certificate["code"] in page and "Valide" in page
    assert "/revoke" not in page  # an adviser does not revoke
    document = (await client.get(f"/api/v1/certificates/{certificate['id']}.pdf")).content
    assert "Marie-Ève Durand" in pdf_text(document, tmp_path)


async def test_the_issue_form_explains_refusals(client, make):
    """A future end date is refused on its field (422); a learner without consent gets the reason (409)."""
    setup = await typical_learner(client, make)
    token = await logged_in(client, await make.user("adviser", setup["site"]))
    url = f"/learners/{setup['learner']}/certificates/new"
    future = (TODAY + timedelta(days=3)).isoformat()
    response = await client.post(url, data={"csrf_token": token, "period_start": "", "period_end": future})
    assert response.status_code == 422 and "ne peut pas être dans le futur" in response.text
    other = await make.learner(setup["site"], consent_certificate=False)
    refused = await client.post(f"/learners/{other}/certificates/new", data={"csrf_token": token})
    assert refused.status_code == 409 and "pas accepté la délivrance" in refused.text
    assert "Enregistrer son accord" in refused.text
    assert await Certificate.count() == 0


async def test_a_period_without_activity_asks_for_confirmation(client, make):
    """For a period with assessments but no session nor workshop, the form comes back with a warning and a
    « Délivrer quand même » button for that period; nothing is issued until it is pressed."""
    setup = await typical_learner(client, make)
    token = await logged_in(client, await make.user("adviser", setup["site"]))
    url = f"/learners/{setup['learner']}/certificates/new"
    start, end = (TODAY - timedelta(days=70)).isoformat(), (TODAY - timedelta(days=50)).isoformat()  # assessed only
    warned = await client.post(url, data={"csrf_token": token, "period_start": start, "period_end": end})
    assert warned.status_code == 409 and "Aucune séance ni aucun atelier suivi" in warned.text
    confirm = warned.text[warned.text.index('class="notice warning"') :]
    confirm = confirm[: confirm.index("</form>")]
    assert f'name="period_start" value="{start}"' in confirm and f'name="period_end" value="{end}"' in confirm
    assert 'name="force" value="1"' in confirm and "Délivrer quand même" in confirm
    assert await Certificate.count() == 0
    data = {"csrf_token": token, "period_start": start, "period_end": end, "force": "1"}
    issued = await client.post(url, data=data)
    assert issued.status_code == 303 and "certified=" in issued.headers["location"]
    [certificate] = await Certificate.select(Certificate.period_start, Certificate.period_end)
    assert (certificate["period_start"].isoformat(), certificate["period_end"].isoformat()) == (start, end)


async def test_a_coordinator_revokes_after_confirming_with_a_reason(client, make):
    """The revoke page asks for a reason; without one it says so; with one the file shows the certificate revoked."""
    setup = await typical_learner(client, make)
    response = await client.post(
        "/api/v1/certificates", json={"learner_id": setup["learner"]}, headers=setup["headers"]
    )
    certificate = response.json()
    token = await logged_in(client, await make.user("coordinator", setup["site"]))
    page = (await client.get(f"/learners/{setup['learner']}")).text
    assert f"/certificates/{certificate['id']}/revoke" in page
    url = f"/certificates/{certificate['id']}/revoke"
    confirm = await client.get(url)
    assert confirm.status_code == 200 and certificate["code"] in confirm.text and "définitive" in confirm.text
    empty = await client.post(url, data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 422 and "motif" in empty.text
    done = await client.post(url, data={"csrf_token": token, "reason": "Période erronée"})
    assert done.status_code == 303
    page = (await client.get(done.headers["location"])).text
    assert "Attestation révoquée." in page and f"Révoquée le {paris_today():%d/%m/%Y}" in page


async def test_an_adviser_cannot_open_the_revoke_page(client, make):
    """Revoking is for coordinators and administrators: an adviser gets 403."""
    setup = await typical_learner(client, make)
    certificate_id = await make.certificate(setup["learner"])
    await logged_in(client, await make.user("adviser", setup["site"]))
    assert (await client.get(f"/certificates/{certificate_id}/revoke")).status_code == 403


async def test_a_cycles_participants_certificates_come_as_one_zip(client, make, tmp_path):
    """The ZIP holds a certificate for each consenting participant of the cycle's weeks, for the cycle's dates;
    downloading it again hands out the same certificates rather than new ones."""
    setup = await typical_learner(client, make)
    site = setup["site"]
    second = await make.learner(
        site, "Paul", "Nouveau", consent_certificate=True, first_visit_on=TODAY - timedelta(days=200)
    )
    refusing = await make.learner(
        site, "Zoé", "Refus", consent_certificate=False, first_visit_on=TODAY - timedelta(days=200)
    )
    weeks = (await client.get(f"/api/v1/activities/{setup['workshop']}", headers=setup["headers"])).json()
    series = [
        row["id"]
        for row in (await client.get("/api/v1/activities?type=collectif", headers=setup["headers"])).json()["items"]
    ]
    patch = {"participants": [{"learner_id": setup["learner"]}, {"learner_id": second}, {"learner_id": refusing}]}
    later_week = max(series)
    assert (await client.patch(f"/api/v1/activities/{later_week}", json=patch, headers=setup["headers"])).is_success
    token = await logged_in(client, await make.user("adviser", site))
    page = await client.get(f"/activities/{setup['workshop']}/certificates")
    assert page.status_code == 200 and "3 séances" in page.text and "accord non recueilli" in page.text
    response = await client.post(f"/activities/{setup['workshop']}/certificates", data={"csrf_token": token})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    texts = [pdf_text(archive.read(name), tmp_path) for name in names]
    assert any("Marie-Ève Durand" in text for text in texts) and any("Paul Nouveau" in text for text in texts)
    assert all(
        f"du {weeks['date'][8:10]}/{weeks['date'][5:7]}/{weeks['date'][:4]}" in text.replace("\n", " ")
        for text in texts
    )
    again = await client.post(f"/activities/{setup['workshop']}/certificates", data={"csrf_token": token})
    assert sorted(zipfile.ZipFile(io.BytesIO(again.content)).namelist()) == names
    assert await Certificate.count() == 2


async def test_cycle_pages_are_scoped_and_closed_to_funders(client, make):
    """Another site's workshop answers 404; a funder is refused; a workshop without consenting people says so."""
    setup = await typical_learner(client, make)
    elsewhere = await make.site("Ailleurs")
    await logged_in(client, await make.user("adviser", elsewhere))
    assert (await client.get(f"/activities/{setup['workshop']}/certificates")).status_code == 404
    lonely = await make.activity(elsewhere)
    page = await client.get(f"/activities/{lonely}/certificates")
    assert page.status_code == 200 and "Aucun participant nommé" in page.text
    client.cookies.clear()
    await logged_in(client, await make.user("funder", setup["site"]))
    assert (await client.get(f"/activities/{setup['workshop']}/certificates")).status_code == 403
    assert (await client.get(f"/learners/{setup['learner']}/certificates/new")).status_code == 403
