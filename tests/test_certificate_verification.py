"""The public verification page: no login, minimal information, rate-limited, and a byte-for-byte upload check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from litestar.testing import AsyncTestClient

from inclusion.app import create_app
from inclusion.storage.tables.certificates import Certificate
from tests.support.browser import logged_in
from tests.support.certificates import TODAY, typical_learner


async def issued(client, make) -> tuple[dict, dict, bytes]:
    setup = await typical_learner(client, make)
    response = await client.post(
        "/api/v1/certificates", json={"learner_id": setup["learner"]}, headers=setup["headers"]
    )
    certificate = response.json()
    document = (await client.get(certificate["pdf_url"], headers=setup["headers"])).content
    return setup, certificate, document


async def test_anyone_sees_status_date_site_and_first_name_only(client, make):
    """Without logging in, the page says valid, the issue date, the site and « Marie-Ève D. », never the surname."""
    _, certificate, _ = await issued(client, make)
    page = await client.get(f"/verify/{certificate['code']}", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Attestation valide" in page.text and "Espace Carnot" in page.text and "Marie-Ève D." in page.text
    assert TODAY.strftime("%d/%m/%Y") in page.text and "Durand" not in page.text
    response = await client.get(f"/verify/{certificate['code']}", headers={"Accept": "application/json"})
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == {
        "code": certificate["code"],
        "status": "valid",
        "status_label": "Valide",
        "issued_on": TODAY.isoformat(),
        "revoked_on": None,
        "site": "Espace Carnot",
        "learner": "Marie-Ève D.",
    }


async def test_a_typed_code_is_found_in_any_case_and_spacing(client, make):
    """Lower case, spaces instead of dashes or no prefix still find the certificate; the form leads to its page."""
    _, certificate, _ = await issued(client, make)
    typed = certificate["code"].lower().replace("-", " ")
    assert "Attestation valide" in (await client.get(f"/verify/{typed}")).text
    assert "Attestation valide" in (await client.get(f"/verify/{certificate['code'][4:]}")).text
    form = await client.get("/verify", params={"code": typed})
    assert form.status_code == 303 and form.headers["location"] == f"/verify/{certificate['code']}"
    assert 'name="code"' in (await client.get("/verify")).text


async def test_revoked_certificate_verifies_as_revoked_with_its_date(client, make):
    """After a coordinator revokes it, the public page and JSON say revoked, with the date."""
    setup, certificate, _ = await issued(client, make)
    coordinator = await make.bearer(await make.user("coordinator", setup["site"]))
    url = f"/api/v1/certificates/{certificate['id']}/revoke"
    assert (await client.post(url, json={"reason": "Erreur de période"}, headers=coordinator)).status_code == 200
    body = (await client.get(f"/verify/{certificate['code']}", headers={"Accept": "application/json"})).json()
    assert body["status"] == "revoked" and body["revoked_on"] == TODAY.isoformat()
    page = (await client.get(f"/verify/{certificate['code']}")).text
    assert f"Attestation révoquée le {TODAY:%d/%m/%Y}" in page and "Erreur de période" not in page


async def test_a_revocation_late_in_the_evening_is_dated_by_the_service_day(client, make):
    """Revoked at 23:30 UTC in winter, the certificate reads revoked the next day: the day it was in Paris."""
    setup, certificate, _ = await issued(client, make)
    late = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)  # 00:30 on 5 December in Paris
    await Certificate.update({Certificate.revoked_at: late}).where(Certificate.id == certificate["id"]).run()
    body = (await client.get(f"/verify/{certificate['code']}", headers={"Accept": "application/json"})).json()
    assert body["status"] == "revoked" and body["revoked_on"] == "2026-12-05"


async def test_unknown_code_is_a_plain_not_found(client, make):
    """An unknown or malformed code answers 404: a page saying so, or the JSON error."""
    page = await client.get("/verify/INC-2222-3333-4444-5555")
    assert page.status_code == 404 and "Aucune attestation ne porte le code" in page.text
    assert (await client.get("/verify/pas-un-code")).status_code == 404
    body = (await client.get("/verify/INC-2222-3333-4444-5555", headers={"Accept": "application/json"})).json()
    assert body == {"status": 404, "message": "Aucune attestation ne porte ce code.", "details": []}


async def test_uploaded_pdf_matches_only_byte_for_byte(client, make):
    """The issued PDF, uploaded through the multipart form, matches; the same file with one byte changed does not."""
    _, certificate, document = await issued(client, make)
    url = f"/verify/{certificate['code']}"
    same = await client.post(url, files={"document": ("attestation.pdf", document, "application/pdf")})
    assert same.status_code == 200 and "identique, octet pour octet" in same.text
    assert same.headers["content-type"].startswith("text/html")
    tampered = bytearray(document)
    tampered[len(tampered) // 2] ^= 0x01
    other = await client.post(url, files={"document": ("attestation.pdf", bytes(tampered), "application/pdf")})
    assert other.status_code == 200 and "n'est pas</strong> l'attestation délivrée" in other.text
    as_json = await client.post(
        url, files={"document": ("a.pdf", bytes(tampered), "application/pdf")}, headers={"Accept": "application/json"}
    )
    assert as_json.json()["matches"] is False and as_json.json()["verification"]["status"] == "valid"
    missing = await client.post(url, files={"other": ("a.txt", b"x", "text/plain")})
    assert missing.status_code == 422 and "Choisissez le fichier PDF" in missing.text


async def test_a_logged_in_user_uploads_with_the_form_token(client, make):
    """Logged in, the upload form carries the CSRF token, so the same form works for staff too."""
    setup, certificate, document = await issued(client, make)
    user = await make.user("adviser", setup["site"])
    await logged_in(client, user)
    page = await client.get(f"/verify/{certificate['code']}")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = await client.post(
        f"/verify/{certificate['code']}",
        data={"csrf_token": token},
        files={"document": ("attestation.pdf", document, "application/pdf")},
    )
    assert response.status_code == 200 and "identique, octet pour octet" in response.text


@pytest.fixture
async def strict_client(settings):
    """The app with a quota of 3 look-ups per address and window."""
    application = create_app(settings.with_changes(verify_max_lookups=3, verify_window_minutes=10))
    async with AsyncTestClient(app=application, base_url="http://testserver.local") as test_client:
        yield test_client


async def test_lookups_are_rate_limited_per_address(client, strict_client, make):
    """Past the quota, every look-up (known code, unknown code or upload) answers 429 with Retry-After."""
    _, certificate, document = await issued(client, make)
    for code in (certificate["code"], "INC-2222-3333-4444-5555", certificate["code"]):
        assert (await strict_client.get(f"/verify/{code}")).status_code in (200, 404)
    for attempt in (
        strict_client.get(f"/verify/{certificate['code']}"),
        strict_client.get("/verify/INC-2222-3333-4444-6666", headers={"Accept": "application/json"}),
        strict_client.post(
            f"/verify/{certificate['code']}", files={"document": ("a.pdf", document, "application/pdf")}
        ),
    ):
        response = await attempt
        assert response.status_code == 429
        assert 0 < int(response.headers["retry-after"]) <= 600
    assert "Trop de vérifications" in (await strict_client.get("/verify/INC-2222-3333-4444-5555")).text
