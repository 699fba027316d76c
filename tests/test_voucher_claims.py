"""Reimbursement claims: what goes on one, the real PDF bordereau and CSV, and recording the payment."""

from __future__ import annotations

import subprocess
from datetime import date

from inclusion.storage.tables.vouchers import Voucher, VoucherEvent
from tests.support.clock import paris_today
from tests.test_pdf import pdf_text

API = "/api/v1"


async def redeemed(make, site: int, scheme: int, number: str, on: date, **values) -> int:
    """A voucher already used for a workshop on `on`."""
    activity = await make.activity(site, date=on, title=values.pop("title", "Atelier courriel"))
    voucher = await make.voucher(
        site, scheme, number, learner=await make.learner(site), status="redeemed", activity=activity, redeemed_on=on
    )
    return voucher["id"]


async def march(make) -> dict:
    """Three vouchers used in March 2025 at Espace Carnot, one in April, one of another scheme."""
    site = await make.site("Espace Carnot", address="Rue Carnot", postal_code="62480", city="Le Portel")
    scheme = await make.scheme(site, name="Pass numérique", face_value_cents=1000)
    other = await make.scheme(site, name="Chèque départemental", face_value_cents=2000)
    ids = [
        await redeemed(make, site, scheme, "PN-0003", date(2025, 3, 20)),
        await redeemed(make, site, scheme, "PN-0001", date(2025, 3, 4), title="Atelier smartphone"),
        await redeemed(make, site, scheme, "PN-0002", date(2025, 3, 4)),
    ]
    april = await redeemed(make, site, scheme, "PN-0004", date(2025, 4, 2))
    departemental = await redeemed(make, site, other, "CD-0001", date(2025, 3, 5))
    coordinator = await make.user("coordinator", site)
    return {
        "site": site,
        "scheme": scheme,
        "ids": ids,
        "april": april,
        "other": departemental,
        "headers": await make.bearer(coordinator),
        "body": {"scheme_id": scheme, "date_from": "2025-03-01", "date_to": "2025-03-31"},
    }


async def statuses(*ids: int) -> list[str]:
    rows = {row["id"]: row["status"] for row in await Voucher.select(Voucher.id, Voucher.status)}
    return [rows[voucher_id] for voucher_id in ids]


async def test_a_claim_takes_every_redeemed_unclaimed_voucher_of_the_period(client, make):
    """The claim holds the scheme's vouchers used in the period, in date order; they become `claimed`, once."""
    m = await march(make)
    response = await client.post(f"{API}/claims", json=m["body"], headers=m["headers"])
    assert response.status_code == 201, response.text
    claim = response.json()
    assert (claim["voucher_count"], claim["total_cents"], claim["status"]) == (3, 3000, "open")
    assert [(line["number"], line["date"]) for line in claim["lines"]] == [
        ("PN-0001", "2025-03-04"),
        ("PN-0002", "2025-03-04"),
        ("PN-0003", "2025-03-20"),
    ]
    assert claim["lines"][0]["activity"] == "Atelier smartphone (90 min)"
    assert await statuses(*m["ids"], m["april"], m["other"]) == ["claimed"] * 3 + ["redeemed", "redeemed"]
    claimed = await VoucherEvent.select().where(VoucherEvent.to_status == "claimed")
    assert len(claimed) == 3 and {event["claim"] for event in claimed} == {claim["id"]}
    again = await client.post(f"{API}/claims", json=m["body"], headers=m["headers"])
    assert again.status_code == 409
    assert again.json()["message"] == (
        "Rien à réclamer : aucun Pass « Pass numérique » utilisé du 01/03/2025 au 31/03/2025 "
        "qui ne figure pas déjà sur une demande."
    )
    listed = (await client.get(f"{API}/claims", headers=m["headers"])).json()
    assert [item["id"] for item in listed["items"]] == [claim["id"]]


async def test_claims_are_for_coordinators_and_need_a_sensible_period(client, make):
    """An adviser cannot open a claim; a period ending before it starts is refused on its field."""
    m = await march(make)
    adviser = await make.bearer(await make.user("adviser", m["site"]))
    assert (await client.post(f"{API}/claims", json=m["body"], headers=adviser)).status_code == 403
    backwards = {**m["body"], "date_from": "2025-04-01"}
    response = await client.post(f"{API}/claims", json=backwards, headers=m["headers"])
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "date_to"
    assert await statuses(*m["ids"]) == ["redeemed"] * 3


async def test_the_bordereau_pdf_lists_every_voucher_and_the_total(client, make, tmp_path):
    """The real PDF names the site, the scheme and the period, has one line per voucher and the total."""
    m = await march(make)
    claim = (await client.post(f"{API}/claims", json=m["body"], headers=m["headers"])).json()
    response = await client.get(f"{API}/claims/{claim['id']}.pdf", headers=m["headers"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path, "pdftotext", "-layout")
    assert "Espace Carnot" in text and "62480 Le Portel" in text
    assert "Pass numérique" in text and "du 01/03/2025 au 31/03/2025" in text
    lines = [line.split() for line in text.splitlines()]
    for number, day in (("PN-0001", "04/03/2025"), ("PN-0002", "04/03/2025"), ("PN-0003", "20/03/2025")):
        assert any(cells[:2] == [number, day] and cells[-2:] == ["10,00", "€"] for cells in lines), number
    assert any("Total (3 Pass)" in line and "30,00 €" in line for line in text.splitlines())
    assert "Le responsable de la structure" in text
    info = pdf_text(response.content, tmp_path, "pdfinfo")
    assert "Pages:           1" in info


async def test_a_long_claim_runs_over_pages_with_every_line(client, make, tmp_path):
    """Sixty vouchers fill more than one page; every number and the total are there."""
    site = await make.site("Bus numérique")
    scheme = await make.scheme(site, name="Pass numérique")
    activity = await make.activity(site, date=date(2025, 5, 6))
    learner = await make.learner(site)
    booklet = await make.booklet(site, scheme, [f"L-{n:03d}" for n in range(60)])
    await Voucher.update(
        {
            Voucher.status: "redeemed",
            Voucher.learner: learner,
            Voucher.activity: activity,
            Voucher.redeemed_on: date(2025, 5, 6),
        }
    ).where(Voucher.booklet == booklet)
    headers = await make.bearer(await make.user("coordinator", site))
    body = {"scheme_id": scheme, "date_from": "2025-05-01", "date_to": "2025-05-31"}
    claim = (await client.post(f"{API}/claims", json=body, headers=headers)).json()
    document = (await client.get(f"{API}/claims/{claim['id']}.pdf", headers=headers)).content
    text = pdf_text(document, tmp_path)
    assert all(f"L-{n:03d}" in text for n in range(60))
    assert "600,00 €" in text
    pages = int(pdf_text(document, tmp_path, "pdfinfo").split("Pages:")[1].split()[0])
    assert pages >= 2
    assert (
        "Page 2 / "
        in subprocess.run(
            ["pdftotext", "-f", "2", "-l", "2", "-", "-"], input=document, capture_output=True
        ).stdout.decode()
    )


async def test_the_claim_csv_is_for_french_spreadsheets(client, make):
    """`;` separated, UTF-8 with a BOM, dates as dd/mm/yyyy, values with a decimal comma, a total line."""
    m = await march(make)
    claim = (await client.post(f"{API}/claims", json=m["body"], headers=m["headers"])).json()
    response = await client.get(f"{API}/claims/{claim['id']}.csv", headers=m["headers"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]
    assert rows[0] == ["numero_pass", "date_activite", "activite", "valeur_euros"]
    assert rows[1] == ["PN-0001", "04/03/2025", "Atelier smartphone (90 min)", "10,00"]
    assert rows[-1] == ["TOTAL", "", "3 Pass", "30,00"]


async def test_claim_documents_of_another_site_or_bad_names_answer_404(client, make):
    """Another site's claim is not found in any format, nor is a name that is not `{id}`, `.pdf` or `.csv`."""
    m = await march(make)
    claim = (await client.post(f"{API}/claims", json=m["body"], headers=m["headers"])).json()
    stranger = await make.bearer(await make.user("coordinator", await make.site()))
    for suffix in ("", ".pdf", ".csv"):
        assert (await client.get(f"{API}/claims/{claim['id']}{suffix}", headers=stranger)).status_code == 404
    for name in (f"{claim['id']}.xlsx", "abc", f"{claim['id']}.pdf.csv"):
        assert (await client.get(f"{API}/claims/{name}", headers=m["headers"])).status_code == 404


async def test_recording_the_payment_reimburses_the_claims_vouchers_once(client, make):
    """The payment marks the claim paid and its vouchers `reimbursed`; a second payment is refused."""
    m = await march(make)
    claim = (await client.post(f"{API}/claims", json=m["body"], headers=m["headers"])).json()
    payment = {"amount_cents": 3000, "paid_on": paris_today().isoformat()}
    response = await client.post(f"{API}/claims/{claim['id']}/payment", json=payment, headers=m["headers"])
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "paid" and response.json()["paid_amount_cents"] == 3000
    assert await statuses(*m["ids"], m["april"]) == ["reimbursed"] * 3 + ["redeemed"]
    assert await VoucherEvent.count().where(VoucherEvent.to_status == "reimbursed") == 3
    again = await client.post(f"{API}/claims/{claim['id']}/payment", json=payment, headers=m["headers"])
    assert again.status_code == 409
    assert again.json()["message"].startswith("Le paiement de cette demande a déjà été enregistré")
    future = await client.post(f"{API}/claims", json={**m["body"], "date_to": "2025-04-30"}, headers=m["headers"])
    assert [line["number"] for line in future.json()["lines"]] == ["PN-0004"]
    late = {"amount_cents": 1000, "paid_on": "2999-01-01"}
    refused = await client.post(f"{API}/claims/{future.json()['id']}/payment", json=late, headers=m["headers"])
    assert refused.status_code == 422 and refused.json()["details"][0]["field"] == "paid_on"
