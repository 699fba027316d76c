"""Voucher pages without JavaScript: stock and expiry, handing from a learner, redeeming from an activity
(a French message per refusal), claims with a confirmed payment, booklets, CSV upload and schemes."""

from __future__ import annotations

from datetime import timedelta

from inclusion.storage.tables.activities import ActivityParticipant
from inclusion.storage.tables.vouchers import Booklet, Claim, Voucher, VoucherScheme
from tests.support.browser import logged_in
from tests.support.clock import paris_today


async def staff(client, make, role: str = "adviser") -> dict:
    site = await make.site("Espace Carnot")
    scheme = await make.scheme(site, name="Pass numérique", valid_until=paris_today() + timedelta(days=10))
    csrf = await logged_in(client, await make.user(role, site))
    return {"site": site, "scheme": scheme, "csrf": csrf}


async def test_stock_page_shows_booklets_and_what_expires_soon(client, make):
    """Stock by scheme and booklet, and the vouchers ending within 30, 15 or 7 days with their counts."""
    w = await staff(client, make, "coordinator")
    await make.booklet(w["site"], w["scheme"], ["PN-1", "PN-2", "PN-3"], number="CAF-7", prescriber_name="CAF 62")
    later = await make.scheme(w["site"], name="Chèque départemental", valid_until=paris_today() + timedelta(days=90))
    await make.booklet(w["site"], later, ["CD-1"], number="DEP-1", prescriber_type="departement")
    page = await client.get("/vouchers")
    assert page.status_code == 200
    assert "CAF-7" in page.text and "CAF 62" in page.text and "DEP-1" in page.text and "Département" in page.text
    assert "30 jours (3)" in page.text and "7 jours (0)" in page.text
    assert "PN-1" in page.text and "CD-1" not in page.text.split('id="expiration"')[1]
    seven = await client.get("/vouchers?within=7")
    assert "Aucun Pass en stock ou remis n'expire dans les 7 jours." in seven.text
    found = await client.get("/vouchers/find?number=pn-2")
    assert found.status_code == 303
    detail = await client.get(found.headers["location"])
    assert "Pass n° PN-2" in detail.text and "En stock" in detail.text
    missing = await client.get("/vouchers/find?number=NOPE")
    assert missing.status_code == 404 and "Aucun Pass n° NOPE sur vos sites." in missing.text


async def test_hand_a_voucher_from_the_learner_page_then_redeem_it_from_the_activity(client, make):
    """« Remettre un Pass » on the file, then « Utiliser un Pass » on a workshop: each refusal is said inline."""
    w = await staff(client, make)
    learner = await make.learner(w["site"], "Colette", "Lemaire")
    await make.booklet(w["site"], w["scheme"], ["PN-10", "PN-11"])
    file = await client.get(f"/learners/{learner}")
    assert "Aucun Pass remis à cette personne." in file.text and f"/learners/{learner}/vouchers/issue" in file.text
    form = await client.get(f"/learners/{learner}/vouchers/issue")
    assert form.status_code == 200 and "Remettre un Pass à Colette Lemaire" in form.text
    bad = await client.post(f"/learners/{learner}/vouchers/issue", data={"csrf_token": w["csrf"], "number": "PN-99"})
    assert bad.status_code == 404 and "Aucun Pass n° PN-99 sur vos sites." in bad.text
    today = paris_today().isoformat()
    handed = await client.post(
        f"/learners/{learner}/vouchers/issue", data={"csrf_token": w["csrf"], "number": "pn-10", "issued_on": today}
    )
    assert handed.status_code == 303
    file = await client.get(handed.headers["location"])
    assert "Pass n° PN-10 remis." in file.text and "PN-10" in file.text
    workshop = await make.activity(w["site"], date=paris_today(), duration_minutes=60, title="Atelier courriel")
    redeem_form = await client.get(f"/activities/{workshop}/vouchers")
    assert redeem_form.status_code == 200 and "Aucun Pass utilisé pour cette activité." in redeem_form.text
    absent = await client.post(f"/activities/{workshop}/vouchers", data={"csrf_token": w["csrf"], "number": "PN-10"})
    assert absent.status_code == 409
    assert "n&#39;était pas présent à cette activité" in absent.text and 'aria-invalid="true"' in absent.text
    stock = await client.post(f"/activities/{workshop}/vouchers", data={"csrf_token": w["csrf"], "number": "PN-11"})
    assert stock.status_code == 409 and "Ce Pass est encore en stock" in stock.text
    await ActivityParticipant.insert(ActivityParticipant(activity=workshop, learner=learner, present=True))
    used = await client.post(f"/activities/{workshop}/vouchers", data={"csrf_token": w["csrf"], "number": "PN-10"})
    assert used.status_code == 303
    page = await client.get(used.headers["location"])
    assert "Pass n° PN-10 utilisé pour cette activité." in page.text and "Colette Lemaire" in page.text
    twice = await client.post(f"/activities/{workshop}/vouchers", data={"csrf_token": w["csrf"], "number": "PN-10"})
    assert twice.status_code == 409 and "Ce Pass a déjà été utilisé" in twice.text
    file = await client.get(f"/learners/{learner}")
    assert "Atelier courriel du" in file.text and "Utilisé" in file.text


async def test_cancelling_asks_for_confirmation(client, make):
    """A coordinator cancels a voucher after a confirmation page; an adviser does not get the page."""
    w = await staff(client, make, "coordinator")
    await make.booklet(w["site"], w["scheme"], ["PN-20"])
    voucher = await Voucher.select(Voucher.id).first()
    confirm = await client.get(f"/vouchers/{voucher['id']}/cancel")
    assert confirm.status_code == 200 and "Annuler définitivement le Pass" in confirm.text
    assert (await Voucher.select(Voucher.status).first())["status"] == "in_stock"
    done = await client.post(f"/vouchers/{voucher['id']}/cancel", data={"csrf_token": w["csrf"], "reason": "abîmé"})
    assert done.status_code == 303
    assert "Pass annulé." in (await client.get(done.headers["location"])).text


async def test_claim_pages_open_a_claim_and_record_the_payment_after_confirming(client, make):
    """Open a claim for last month, see its lines and links, then confirm the payment in two steps."""
    w = await staff(client, make, "coordinator")
    day = paris_today().replace(day=1) - timedelta(days=3)
    activity = await make.activity(w["site"], date=day)
    await make.voucher(
        w["site"], w["scheme"], "PN-30", learner=await make.learner(w["site"]), status="redeemed",
        activity=activity, redeemed_on=day, issued_on=day,
    )  # fmt: skip
    listing = await client.get("/claims")
    assert listing.status_code == 200 and "Aucune demande." in listing.text
    start = day.replace(day=1).isoformat()
    body = {"csrf_token": w["csrf"], "scheme_id": str(w["scheme"]), "date_from": start, "date_to": day.isoformat()}
    opened = await client.post("/claims", data=body)
    assert opened.status_code == 303
    claim = await client.get(opened.headers["location"])
    assert "PN-30" in claim.text and "10,00" in claim.text and ".pdf" in claim.text and ".csv" in claim.text
    nothing = await client.post("/claims", data=body)
    assert nothing.status_code == 409 and "Rien à réclamer" in nothing.text
    claim_id = (await Claim.select(Claim.id).first())["id"]
    payment = {"csrf_token": w["csrf"], "amount": "10,00", "paid_on": paris_today().isoformat()}
    confirm = await client.post(f"/claims/{claim_id}/payment", data=payment)
    assert confirm.status_code == 200 and "Confirmer le paiement" in confirm.text
    assert (await Claim.select(Claim.status).first())["status"] == "open"
    paid = await client.post(f"/claims/{claim_id}/payment", data={**payment, "confirm": "1"})
    assert paid.status_code == 303
    assert "Paiement enregistré" in (await client.get(paid.headers["location"])).text
    assert (await Voucher.select(Voucher.status).first())["status"] == "reimbursed"
    bad = await client.post(f"/claims/{claim_id}/payment", data={**payment, "amount": "dix"})
    assert bad.status_code == 422


async def test_booklet_form_and_csv_upload(client, make):
    """A booklet by range through the form; a CSV upload with a bad line is refused with the line named."""
    w = await staff(client, make, "coordinator")
    form = await client.get("/booklets/new")
    assert form.status_code == 200 and "Pass numérique" in form.text
    data = {
        "csrf_token": w["csrf"], "scheme_id": str(w["scheme"]), "number": "C-1", "prescriber_name": "CCAS du Portel",
        "prescriber_type": "ccas", "first_number": "PN-001", "last_number": "PN-010",
    }  # fmt: skip
    saved = await client.post("/booklets/new", data=data)
    assert saved.status_code == 303 and await Voucher.count() == 10
    refused = await client.post("/booklets/new", data={**data, "number": "C-2", "first_number": "", "last_number": ""})
    assert refused.status_code == 422 and "Indiquez le premier et le dernier numéro" in refused.text
    csv = "carnet;prescripteur;type_prescripteur;numero\nC-3;CAF;caf;PN-100\nC-3;CAF;caf;PN-001\n"
    files = {"file": ("pass.csv", csv.encode(), "text/csv")}
    upload = await client.post(
        "/booklets/import", data={"csrf_token": w["csrf"], "scheme_id": str(w["scheme"])}, files=files
    )
    assert upload.status_code == 422
    assert "Ligne 3 : le Pass PN-001 existe déjà pour ce dispositif." in upload.text
    assert await Booklet.count() == 1
    good = {"file": ("pass.csv", b"carnet;prescripteur;type_prescripteur;numero\nC-3;CAF;caf;PN-100\n", "text/csv")}
    imported = await client.post(
        "/booklets/import", data={"csrf_token": w["csrf"], "scheme_id": str(w["scheme"])}, files=good
    )
    assert imported.status_code == 303 and await Voucher.count() == 11


async def test_admin_manages_schemes_and_others_cannot(client, make):
    """The admin creates a scheme with its sites from the form; a coordinator gets 403 on the page."""
    site = await make.site("Espace Carnot")
    coordinator = await make.user("coordinator", site)
    csrf = await logged_in(client, await make.user("admin"))
    data = {
        "csrf_token": csrf, "name": "Chèque numérique départemental", "operator": "Département", "face_value": "20",
        "valid_until": "2027-12-31", "tolerance_days": "30", "minutes_per_voucher": "180", "site_ids": [str(site)],
    }  # fmt: skip
    bad = await client.post("/voucher-schemes/new", data={**data, "face_value": "vingt"})
    assert bad.status_code == 422
    saved = await client.post("/voucher-schemes/new", data=data)
    assert saved.status_code == 303
    scheme = await VoucherScheme.select().first()
    assert scheme["face_value_cents"] == 2000 and scheme["minutes_per_voucher"] == 180
    listing = await client.get("/voucher-schemes")
    assert "Chèque numérique départemental" in listing.text and "Espace Carnot" in listing.text
    edit = await client.get(f"/voucher-schemes/{scheme['id']}/edit")
    assert 'value="20,00"' in edit.text and "checked" in edit.text
    await client.post("/logout", data={"csrf_token": csrf})
    await logged_in(client, coordinator)
    assert (await client.get("/voucher-schemes")).status_code == 403
