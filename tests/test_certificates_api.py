"""Issuing certificates through the API, and reading the real PDF back (pdftotext, pdfinfo, zbarimg)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from inclusion.certificates.codes import ALPHABET
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.certificates import Certificate
from tests.support.certificates import TODAY, pdf_info, pdf_text, qr_codes, typical_learner

BASE_URL = "http://127.0.0.1:8000"  # the test settings' development default (no public base URL set)
CODE = re.compile(r"^INC(-[" + ALPHABET + r"]{4}){4}$")


async def issue(client, setup, **body):
    response = await client.post(
        "/api/v1/certificates", json={"learner_id": setup["learner"], **body}, headers=setup["headers"]
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_issued_pdf_holds_name_levels_code_and_a_working_qr_code(client, make, tmp_path):
    """The PDF is one A4 page naming the learner, the levels at entry and latest, the socle sentence, the hours
    and the code; its QR code decodes to the verification URL; its metadata is French with title and author."""
    setup = await typical_learner(client, make)
    certificate = await issue(client, setup)
    assert CODE.match(certificate["code"]), certificate["code"]
    response = await client.get(certificate["pdf_url"], headers=setup["headers"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    document = response.content
    text = re.sub(r"\s*→\s*", "→", pdf_text(document, tmp_path))  # pdftotext may drop the spaces around arrows
    for expected in (
        "Marie-Ève Durand",
        "Espace Carnot",
        "12 rue Carnot, 62300 Lens",
        "Attestation de parcours numérique",
        certificate["code"],
        "Autonome sur 5 des 6 compétences du socle",
        "1→3",  # five socle competences went from level 1 to level 3
        "1→2",
        "0→2",
        "E-mail",
        "Navigation sur internet",
        "7 h 30",  # 2 sessions of 45 min + 3 workshops of 2 h
        "Personne adviser",  # the issuing adviser's name, beside the signature line
        "Signature",
        f"Fait le {TODAY:%d/%m/%Y}",
    ):
        assert expected in text, (expected, text)
    info = pdf_info(document, tmp_path)
    assert info["Pages"] == "1"
    assert info["Title"] == "Attestation de parcours numérique — Marie-Ève Durand"
    assert info["Author"] == "Espace Carnot"
    assert info["Page size"].startswith("595.")  # A4: 595 x 842 pt
    assert qr_codes(document, tmp_path) == [f"{BASE_URL}/verify/{certificate['code']}"]


async def test_stored_hash_and_snapshot_are_those_of_the_issued_pdf(client, make):
    """The stored SHA-256 is the hash of the bytes served; the JSON detail carries the frozen snapshot."""
    setup = await typical_learner(client, make)
    certificate = await issue(client, setup)
    document = (await client.get(f"/api/v1/certificates/{certificate['id']}.pdf", headers=setup["headers"])).content
    assert hashlib.sha256(document).hexdigest() == certificate["sha256"]
    assert certificate["size_bytes"] == len(document) < 150_000
    detail = (await client.get(f"/api/v1/certificates/{certificate['id']}", headers=setup["headers"])).json()
    assert detail["snapshot"]["learner"]["public_name"] == "Marie-Ève D."
    assert detail["snapshot"]["totals"] == {"minutes": setup["minutes"], "sessions": 2, "workshops": 3}
    assert detail["snapshot"]["socle"]["autonomous"] == 5 and detail["snapshot"]["socle"]["total"] == 6
    assert detail["status"] == "valid" and detail["issued_by_name"].startswith("Personne adviser")


async def test_later_edits_do_not_change_an_issued_certificate(client, make, tmp_path):
    """Renaming the learner and adding an assessment after issue leaves the downloaded PDF byte for byte the same."""
    setup = await typical_learner(client, make)
    certificate = await issue(client, setup)
    url = f"/api/v1/certificates/{certificate['id']}.pdf"
    before = (await client.get(url, headers=setup["headers"])).content
    patch = {"first_name": "Jeanne", "last_name": "Autre"}
    assert (await client.patch(f"/api/v1/learners/{setup['learner']}", json=patch, headers=setup["headers"])).is_success
    await make.assessment(setup["learner"], {"visio": 3}, assessed_on=TODAY)
    after = (await client.get(url, headers=setup["headers"])).content
    assert after == before
    assert "Marie-Ève Durand" in pdf_text(after, tmp_path)
    again = await issue(client, setup)
    assert "Jeanne Autre" in pdf_text((await client.get(again["pdf_url"], headers=setup["headers"])).content, tmp_path)


async def test_a_long_history_fits_on_two_pages_at_most(client, make, tmp_path):
    """Every digital and administrative topic and twelve competences still fit on two pages."""
    setup = await typical_learner(client, make, long_history=True)
    await make.assessment(setup["learner"], {"visio": 1, "sante": 2, "banque": 0, "emploi": 1, "bureautique": 2})
    certificate = await issue(client, setup)
    document = (await client.get(certificate["pdf_url"], headers=setup["headers"])).content
    assert int(pdf_info(document, tmp_path)["Pages"]) <= 2
    text = pdf_text(document, tmp_path)
    assert "Intelligence artificielle" in text and "Associations" in text and certificate["code"] in text


async def test_a_period_limits_what_is_certified(client, make, tmp_path):
    """With a period, only the activities inside it count; a bad period is refused field by field."""
    setup = await typical_learner(client, make)
    start = TODAY - timedelta(days=118)  # the two individual sessions only
    certificate = await issue(
        client, setup, period_start=start.isoformat(), period_end=(start + timedelta(days=5)).isoformat()
    )
    detail = (await client.get(f"/api/v1/certificates/{certificate['id']}", headers=setup["headers"])).json()
    assert detail["snapshot"]["totals"] == {"minutes": 90, "sessions": 2, "workshops": 0}
    bad = {
        "learner_id": setup["learner"],
        "period_start": TODAY.isoformat(),
        "period_end": (TODAY + timedelta(days=1)).isoformat(),
    }
    response = await client.post("/api/v1/certificates", json=bad, headers=setup["headers"])
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["details"]} == {"period_end"}


async def test_no_certificate_without_consent_or_without_anything_to_certify(client, make):
    """Without the learner's consent, or with no activity nor assessment, issuing is refused with a reason."""
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    refused = await make.learner(site, consent_certificate=False)
    response = await client.post("/api/v1/certificates", json={"learner_id": refused}, headers=headers)
    assert response.status_code == 409 and "accepté la délivrance" in response.json()["message"]
    empty = await make.learner(site, consent_certificate=True)
    response = await client.post("/api/v1/certificates", json={"learner_id": empty}, headers=headers)
    assert response.status_code == 409 and "Rien à attester" in response.json()["message"]
    assert await Certificate.count() == 0


async def test_issue_and_download_are_audited(client, make):
    """Issuing and downloading leave entries on the learner's audit trail, naming the certificate only by id."""
    setup = await typical_learner(client, make)
    certificate = await issue(client, setup)
    await client.get(certificate["pdf_url"], headers=setup["headers"])
    entries = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.detail)
        .where(AuditEntry.target_id == setup["learner"], AuditEntry.target_type == "learner")
        .output(load_json=True)
    )
    mine = [(row["action"], row["detail"]) for row in entries if "certificate" in row["detail"]]
    assert mine == [("certify", {"certificate": certificate["id"]}), ("view", {"certificate": certificate["id"]})]


async def test_revocation_by_a_coordinator_only(client, make):
    """An adviser cannot revoke (403); a coordinator revokes with a reason (audited); a second time is 409."""
    setup = await typical_learner(client, make)
    certificate = await issue(client, setup)
    url = f"/api/v1/certificates/{certificate['id']}/revoke"
    assert (await client.post(url, json={"reason": "Erreur"}, headers=setup["headers"])).status_code == 403
    coordinator = await make.bearer(await make.user("coordinator", setup["site"]))
    empty = await client.post(url, json={"reason": "   "}, headers=coordinator)
    assert empty.status_code == 422 and empty.json()["details"][0]["field"] == "reason"
    response = await client.post(url, json={"reason": "Période erronée"}, headers=coordinator)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "revoked" and body["revoke_reason"] == "Période erronée" and body["revoked_at"]
    again = await client.post(url, json={"reason": "Encore"}, headers=coordinator)
    assert again.status_code == 409 and "déjà révoquée" in again.json()["message"]
    actions = await AuditEntry.select(AuditEntry.action).where(AuditEntry.action == "revoke")
    assert len(actions) == 1


async def test_other_sites_certificates_are_not_found_and_funders_are_refused(client, make):
    """Another site's certificate answers 404 (JSON and PDF) and is absent from lists; a funder gets 403."""
    setup = await typical_learner(client, make)
    certificate = await issue(client, setup)
    elsewhere = await make.site("Ailleurs")
    stranger = await make.bearer(await make.user("adviser", elsewhere))
    for url in (f"/api/v1/certificates/{certificate['id']}", certificate["pdf_url"]):
        assert (await client.get(url, headers=stranger)).status_code == 404
    assert (await client.get("/api/v1/certificates", headers=stranger)).json()["items"] == []
    assert (await client.get("/api/v1/certificates/nope.pdf", headers=setup["headers"])).status_code == 404
    funder = await make.bearer(await make.user("funder", setup["site"]))
    for url in ("/api/v1/certificates", certificate["pdf_url"]):
        assert (await client.get(url, headers=funder)).status_code == 403
    listed = (await client.get(f"/api/v1/certificates?learner={setup['learner']}", headers=setup["headers"])).json()
    assert [item["id"] for item in listed["items"]] == [certificate["id"]]


async def test_export_lists_certificates_and_erasure_removes_the_name(client, make):
    """The access export lists certificates with their snapshot; anonymising the file deletes the PDF, blanks the
    name and revokes the certificate."""
    setup = await typical_learner(client, make)
    certificate = await issue(client, setup)
    export = (await client.get(f"/api/v1/learners/{setup['learner']}/export", headers=setup["headers"])).json()
    [listed] = export["certificates"]
    assert listed["code"] == certificate["code"] and listed["snapshot"]["learner"]["last_name"] == "Durand"
    assert (await client.delete(f"/api/v1/learners/{setup['learner']}", headers=setup["headers"])).status_code == 200
    assert (await client.get(certificate["pdf_url"], headers=setup["headers"])).status_code == 409
    detail = (await client.get(f"/api/v1/certificates/{certificate['id']}", headers=setup["headers"])).json()
    assert detail["status"] == "revoked" and detail["snapshot"]["learner"]["last_name"] == ""
    assert "Durand" not in str(detail)


async def test_a_period_without_activity_needs_force(client, make):
    """A period with assessments but no session nor workshop is refused (409, detail on « force ») and writes
    nothing; the same request with force: true issues a certificate of 0 hours."""
    setup = await typical_learner(client, make)
    assessed_only = await make.learner(
        setup["site"], "Paul", "Évalué", consent_certificate=True, first_visit_on=TODAY - timedelta(days=40)
    )
    await make.assessment(assessed_only, {"navigation": 1, "courriel": 2}, assessed_on=TODAY - timedelta(days=30))
    body = {"learner_id": assessed_only}
    refused = await client.post("/api/v1/certificates", json=body, headers=setup["headers"])
    assert refused.status_code == 409
    answer = refused.json()
    assert "Aucune séance ni aucun atelier suivi" in answer["message"] and "0 heure" in answer["message"]
    assert [detail["field"] for detail in answer["details"]] == ["force"]
    assert await Certificate.count() == 0 and await AuditEntry.count().where(AuditEntry.action == "certify") == 0
    forced = await client.post("/api/v1/certificates", json={**body, "force": True}, headers=setup["headers"])
    assert forced.status_code == 201, forced.text
    detail = (await client.get(f"/api/v1/certificates/{forced.json()['id']}", headers=setup["headers"])).json()
    assert detail["snapshot"]["totals"]["minutes"] == 0 and detail["snapshot"]["competences"]
    usual = await client.post("/api/v1/certificates", json={"learner_id": setup["learner"]}, headers=setup["headers"])
    assert usual.status_code == 201  # with activities in the period, no confirmation is asked


async def test_the_openapi_document_describes_force_and_its_refusal(client):
    """The issue operation documents the « force » field and its 409 answer, in French."""
    document = (await client.get("/schema/openapi.json")).json()
    operation = document["paths"]["/api/v1/certificates"]["post"]
    assert "force" in operation["responses"]["409"]["description"]
    schema = document["components"]["schemas"]["CertificateCreate"]
    assert (
        schema["properties"]["force"]["type"] == "boolean"
        and "aucune séance" in schema["properties"]["force"]["description"]
    )
