"""Voucher schemes, booklets and a voucher's life through the API: each refusal with its own French reason."""

from __future__ import annotations

from datetime import date

import pytest

from inclusion.errors import Conflict
from inclusion.storage.tables.activities import ActivityParticipant
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.vouchers import Voucher, VoucherEvent
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers import lifecycle
from tests.support.clock import paris_today

API = "/api/v1"


async def attend(activity_id: int, learner_id: int, present: bool = True) -> None:
    await ActivityParticipant.insert(ActivityParticipant(activity=activity_id, learner=learner_id, present=present))


async def world(make, **scheme: object) -> dict:
    """A site with an adviser, a learner holding an issued voucher, and a 90-min workshop the learner attended."""
    site = await make.site("Espace Carnot")
    adviser = await make.user("adviser", site)
    learner = await make.learner(site, "Monique", "Caron")
    scheme_id = await make.scheme(site, name="Pass numérique", **scheme)
    voucher = await make.voucher(site, scheme_id, "PN-000101", learner=learner, issued_on=date(2025, 3, 1))
    activity = await make.activity(site, date=date(2025, 3, 4), duration_minutes=90)
    await attend(activity, learner)
    return {
        "site": site,
        "headers": await make.bearer(adviser),
        "learner": learner,
        "scheme": scheme_id,
        "voucher": voucher,
        "activity": activity,
    }


async def snapshot(voucher_id: int) -> tuple:
    """What a refused request must leave untouched: the voucher, its history and the redemption audit."""
    row = await Voucher.select().where(Voucher.id == voucher_id).first()
    events = await VoucherEvent.count().where(VoucherEvent.voucher == voucher_id)
    audits = await AuditEntry.count().where(AuditEntry.action == "redeem")
    return row, events, audits


async def test_admin_creates_a_scheme_that_accepting_sites_see(client, make):
    """An admin creates a scheme with its sites; a coordinator of an accepting site sees it, another does not."""
    carnot, other = await make.site("Carnot"), await make.site("Ailleurs")
    admin = await make.bearer(await make.user("admin"))
    body = {
        "name": "Chèque numérique départemental",
        "operator": "Département du Pas-de-Calais",
        "face_value_cents": 2000,
        "valid_until": "2026-12-31",
        "tolerance_days": 30,
        "minutes_per_voucher": 180,
        "site_ids": [carnot],
    }
    created = await client.post(f"{API}/voucher-schemes", json=body, headers=admin)
    assert created.status_code == 201, created.text
    scheme = created.json()
    assert scheme["site_ids"] == [carnot] and scheme["last_valid_day"] == "2027-01-30"
    mine = await make.bearer(await make.user("coordinator", carnot))
    theirs = await make.bearer(await make.user("coordinator", other))
    assert [s["name"] for s in (await client.get(f"{API}/voucher-schemes", headers=mine)).json()] == [body["name"]]
    assert (await client.get(f"{API}/voucher-schemes", headers=theirs)).json() == []
    assert (await client.get(f"{API}/voucher-schemes/{scheme['id']}", headers=theirs)).status_code == 404
    assert (await client.post(f"{API}/voucher-schemes", json=body, headers=mine)).status_code == 403
    again = await client.post(f"{API}/voucher-schemes", json={**body, "site_ids": [999]}, headers=admin)
    assert again.status_code == 422
    fields = {detail["field"]: detail["message"] for detail in again.json()["details"]}
    assert fields == {"name": "Un dispositif porte déjà ce nom.", "site_ids": "Site(s) inconnu(s) : 999."}
    patched = await client.patch(f"{API}/voucher-schemes/{scheme['id']}", json={"site_ids": [other]}, headers=admin)
    assert patched.json()["site_ids"] == [other]


async def test_a_booklet_range_puts_numbered_vouchers_in_stock(client, make):
    """A range PN-0099…PN-0103 gives five vouchers in stock, numbers kept zero-padded, each with a history row."""
    site = await make.site()
    scheme = await make.scheme(site)
    headers = await make.bearer(await make.user("coordinator", site))
    body = {
        "scheme_id": scheme,
        "number": "c-12",
        "prescriber_name": "CCAS du Portel",
        "prescriber_type": "ccas",
        "first_number": "pn-0099",
        "last_number": "PN-0103",
    }
    response = await client.post(f"{API}/booklets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    booklet = response.json()
    assert booklet["number"] == "C-12" and booklet["voucher_count"] == 5
    assert [v["number"] for v in booklet["vouchers"]] == ["PN-0099", "PN-0100", "PN-0101", "PN-0102", "PN-0103"]
    assert booklet["by_status"]["in_stock"] == 5
    detail = (await client.get(f"{API}/vouchers/pn-0101", headers=headers)).json()
    assert [(e["from_status"], e["to_status"]) for e in detail["history"]] == [(None, "in_stock")]
    listed = (await client.get(f"{API}/booklets", headers=headers)).json()
    assert [item["number"] for item in listed["items"]] == ["C-12"]


async def test_voucher_numbers_are_unique_within_a_scheme_only(client, make):
    """A number already in the scheme refuses the whole booklet; the same number in another scheme is fine."""
    site = await make.site()
    first, second = await make.scheme(site, name="A"), await make.scheme(site, name="B")
    headers = await make.bearer(await make.user("coordinator", site))
    base = {"number": "1", "prescriber_name": "CAF", "prescriber_type": "caf", "numbers": ["X1", "X2"]}
    assert (await client.post(f"{API}/booklets", json={**base, "scheme_id": first}, headers=headers)).status_code == 201
    clash = {**base, "scheme_id": first, "number": "2", "numbers": ["X2", "X3"]}
    refused = await client.post(f"{API}/booklets", json=clash, headers=headers)
    assert refused.status_code == 422
    assert {"field": "numbers", "message": "Ces numéros existent déjà pour ce dispositif : X2."} in refused.json()[
        "details"
    ]
    assert await Voucher.count().where(Voucher.number == "X3") == 0
    other = await client.post(f"{API}/booklets", json={**base, "scheme_id": second}, headers=headers)
    assert other.status_code == 201
    ambiguous = await client.get(f"{API}/vouchers/X1", headers=headers)
    assert ambiguous.status_code == 409 and "Plusieurs Pass portent le n° X1" in ambiguous.json()["message"]
    chosen = await client.get(f"{API}/vouchers/X1?scheme={second}", headers=headers)
    assert chosen.status_code == 200 and chosen.json()["scheme_id"] == second


async def test_a_booklet_for_a_scheme_the_site_does_not_accept_is_refused(client, make):
    """A site records booklets only of schemes it accepts."""
    site, elsewhere = await make.site(), await make.site()
    scheme = await make.scheme(elsewhere)
    headers = await make.bearer(await make.user("admin"))
    body = {"scheme_id": scheme, "site_id": site, "number": "1", "prescriber_name": "Mairie"}
    response = await client.post(
        f"{API}/booklets", json={**body, "prescriber_type": "mairie", "numbers": ["A1"]}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "scheme_id"
    assert "n'accepte pas" in response.json()["details"][0]["message"]


async def test_a_csv_with_bad_lines_is_refused_whole(client, make):
    """Every bad line is named with its reason and nothing is imported; a clean file makes its booklets."""
    site = await make.site()
    scheme = await make.scheme(site)
    await make.booklet(site, scheme, ["OLD-1"], number="OLD")
    headers = await make.bearer(await make.user("coordinator", site))
    bad = (
        "carnet;prescripteur;type_prescripteur;numero\n"
        "C1;CAF du Pas-de-Calais;caf;N-001\n"
        "C1;CAF du Pas-de-Calais;banque;N-002\n"
        "C1;CAF du Pas-de-Calais;caf;N-001\n"
        "C2;;ccas;N-003\n"
        "C3;Mairie;mairie;OLD-1\n"
        "C4;Mairie;mairie\n"
    )
    response = await client.post(f"{API}/booklets/import", json={"scheme_id": scheme, "csv": bad}, headers=headers)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["message"] == "Fichier refusé : 5 lignes en erreur, rien n'a été importé."
    messages = {detail["field"]: detail["message"] for detail in body["details"]}
    assert set(messages) == {f"csv[ligne {n}]" for n in (3, 4, 5, 6, 7)}
    assert "type de prescripteur « banque » inconnu" in messages["csv[ligne 3]"]
    assert "le Pass N-001 figure déjà ligne 2" in messages["csv[ligne 4]"]
    assert "prescripteur manquant" in messages["csv[ligne 5]"]
    assert "le Pass OLD-1 existe déjà pour ce dispositif" in messages["csv[ligne 6]"]
    assert "4 colonnes attendues, 3 trouvée(s)" in messages["csv[ligne 7]"]
    assert await Voucher.count() == 1
    good = "\ufeffcarnet,prescripteur,type_prescripteur,numero\nC1,CAF,CAF,N-1\nC1,CAF,caf,N-2\n"
    good += "C2,Pôle,France Travail,N-3\n"
    imported = await client.post(f"{API}/booklets/import", json={"scheme_id": scheme, "csv": good}, headers=headers)
    assert imported.status_code == 201, imported.text
    assert imported.json()["vouchers"] == 3
    made = {b["number"]: (b["prescriber_type"], b["voucher_count"]) for b in imported.json()["booklets"]}
    assert made == {"C1": ("caf", 2), "C2": ("france_travail", 1)}


async def test_issue_then_redeem_leaves_a_history_and_one_audit_entry(client, make):
    """in_stock → issued → redeemed: each move is one history row; the redemption is audited once."""
    site = await make.site()
    adviser = await make.user("adviser", site)
    headers = await make.bearer(adviser)
    learner = await make.learner(site)
    voucher = await make.voucher(site, number="PN-7")
    activity = await make.activity(site, type="individuel", title="", learner=learner, date=date(2025, 3, 10))
    issued = await client.post(
        f"{API}/vouchers/pn-7/issue", json={"learner_id": learner, "issued_on": "2025-03-03"}, headers=headers
    )
    assert issued.status_code == 200, issued.text
    assert issued.json()["status"] == "issued" and issued.json()["learner_id"] == learner
    redeemed = await client.post(f"{API}/vouchers/PN-7/redeem", json={"activity_id": activity}, headers=headers)
    assert redeemed.status_code == 200, redeemed.text
    assert redeemed.json()["status"] == "redeemed" and redeemed.json()["redeemed_on"] == "2025-03-10"
    detail = (await client.get(f"{API}/vouchers/PN-7", headers=headers)).json()
    moves = [(e["from_status"], e["to_status"], e["actor_email"]) for e in detail["history"]]
    assert moves == [
        (None, "in_stock", ""),
        ("in_stock", "issued", adviser["email"]),
        ("issued", "redeemed", adviser["email"]),
    ]
    assert detail["history"][2]["activity_id"] == activity and detail["history"][1]["learner_id"] == learner
    audit = await AuditEntry.select().where(AuditEntry.action == "redeem").output(load_json=True)
    assert len(audit) == 1 and audit[0]["target_id"] == voucher["id"] and audit[0]["actor"] == adviser["id"]
    assert audit[0]["detail"] == {"numero": "PN-7", "dispositif": voucher["scheme_id"], "activite": activity}


REFUSALS = [
    ("unknown", 404, "Aucun Pass n° INCONNU-1 sur vos sites."),
    ("other_site", 404, "Aucun Pass n° PN-AUTRE sur vos sites."),
    ("expired_status", 409, "Ce Pass a expiré : il n'était valable que jusqu'au 31/12/2030."),
    ("past_validity", 409, "Ce Pass n'était plus valable le 04/03/2025, date de l'activité : il était valable "
     "jusqu'au 02/03/2025."),
    ("absent", 409, "L'apprenant à qui ce Pass a été remis n'était pas présent à cette activité."),
    ("not_a_participant", 409, "L'apprenant à qui ce Pass a été remis n'était pas présent à cette activité."),
    ("not_accepted", 409, "Le site de cette activité n'accepte pas le dispositif « Pass numérique »."),
    ("in_stock", 409, "Ce Pass est encore en stock : remettez-le d'abord à l'apprenant, depuis sa fiche."),
    ("before_issue", 409, "L'activité du 04/03/2025 a eu lieu avant la remise du Pass, le 05/03/2025."),
    ("unknown_activity", 404, "Activité introuvable."),
]  # fmt: skip


@pytest.mark.parametrize(("case", "status", "message"), REFUSALS, ids=[case for case, _, _ in REFUSALS])
async def test_each_refused_redemption_says_why_and_changes_nothing(client, make, case, status, message):
    """Unknown number, another site's voucher, expired, out of validity, absent learner, scheme not accepted,
    voucher not handed yet, activity before handing: each its own French message, nothing written."""
    from inclusion.storage.tables.vouchers import SchemeSite

    w = await world(make, **({"valid_until": date(2025, 3, 1), "tolerance_days": 1} if case == "past_validity" else {}))
    number, activity = "PN-000101", w["activity"]
    voucher_id = w["voucher"]["id"]
    if case == "unknown":
        number = "inconnu-1"
    elif case == "other_site":
        elsewhere = await make.site()
        other = await make.voucher(elsewhere, number="PN-AUTRE", learner=await make.learner(elsewhere))
        number, voucher_id = "PN-AUTRE", other["id"]
    elif case == "expired_status":
        await Voucher.update({Voucher.status: "expired"}).where(Voucher.id == voucher_id)
    elif case == "absent":
        await ActivityParticipant.update({ActivityParticipant.present: False}, force=True)
    elif case == "not_a_participant":
        await ActivityParticipant.delete(force=True)
    elif case == "not_accepted":
        await SchemeSite.delete(force=True)
    elif case == "in_stock":
        await Voucher.update({Voucher.status: "in_stock", Voucher.learner: None, Voucher.issued_on: None}).where(
            Voucher.id == voucher_id
        )
    elif case == "before_issue":
        await Voucher.update({Voucher.issued_on: date(2025, 3, 5)}).where(Voucher.id == voucher_id)
    elif case == "unknown_activity":
        activity = 999_999
    before = await snapshot(voucher_id)
    response = await client.post(
        f"{API}/vouchers/{number}/redeem", json={"activity_id": activity}, headers=w["headers"]
    )
    assert (response.status_code, response.json()["message"]) == (status, message)
    assert await snapshot(voucher_id) == before


async def test_duration_covers_vouchers_per_learner(client, make):
    """A 3 h workshop takes two 2 h vouchers of one learner, not a third; another participant pays with their own."""
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    scheme = await make.scheme(site, name="Pass numérique", minutes_per_voucher=120)
    first, second = await make.learner(site), await make.learner(site)
    workshop = await make.activity(site, duration_minutes=180, date=date(2025, 3, 4))
    await attend(workshop, first)
    await attend(workshop, second)
    for number, learner in (("A1", first), ("A2", first), ("A3", first), ("B1", second)):
        await make.voucher(site, scheme, number, learner=learner)

    async def redeem(number: str):
        return await client.post(f"{API}/vouchers/{number}/redeem", json={"activity_id": workshop}, headers=headers)

    assert (await redeem("A1")).status_code == 200
    assert (await redeem("A2")).status_code == 200
    third = await redeem("A3")
    assert third.status_code == 409
    assert third.json()["message"] == (
        "La durée de l'activité (180 min) est déjà couverte par 2 Pass de cet apprenant (120 min par Pass)."
    )
    assert (await redeem("B1")).status_code == 200
    again = await redeem("A1")
    assert (again.status_code, again.json()["message"]) == (409, lifecycle.ALREADY_USED)


def test_only_the_issues_moves_are_allowed():
    """The life is in_stock → issued → redeemed → claimed → reimbursed, or expired/cancelled before use;
    every other move is refused with a French reason."""
    s = VoucherStatus
    allowed = {(a, b) for a, targets in lifecycle.ALLOWED.items() for b in targets}
    assert allowed == {
        (s.in_stock, s.issued), (s.issued, s.redeemed), (s.redeemed, s.claimed), (s.claimed, s.reimbursed),
        (s.in_stock, s.expired), (s.issued, s.expired), (s.in_stock, s.cancelled), (s.issued, s.cancelled),
    }  # fmt: skip
    for source in s:
        for target in s:
            voucher = {"status": source.value, "last_valid_day": date(2025, 1, 1), "issued_on": date(2025, 1, 2)}
            if (source, target) in allowed:
                lifecycle.check(voucher, target)
                continue
            with pytest.raises(Conflict) as refused:
                lifecycle.check(voucher, target)
            assert refused.value.message.endswith(".") and "Pass" in refused.value.message


async def test_other_moves_are_refused_through_the_api(client, make):
    """Handing twice, cancelling a used voucher or handing a cancelled one: 409 with the reason."""
    w = await world(make)
    coordinator = await make.bearer(await make.user("coordinator", w["site"]))
    twice = await client.post(
        f"{API}/vouchers/PN-000101/issue", json={"learner_id": w["learner"]}, headers=w["headers"]
    )
    assert (twice.status_code, twice.json()["message"]) == (
        409,
        "Ce Pass a déjà été remis à un apprenant le 01/03/2025.",
    )
    redeem = {"activity_id": w["activity"]}
    assert (await client.post(f"{API}/vouchers/PN-000101/redeem", json=redeem, headers=w["headers"])).status_code == 200
    cancel = await client.post(f"{API}/vouchers/PN-000101/cancel", json={}, headers=coordinator)
    assert (cancel.status_code, cancel.json()["message"]) == (409, "Un Pass déjà utilisé ne peut pas être annulé.")
    spare = await make.voucher(w["site"], w["scheme"], "PN-SPARE")
    adviser_cancel = await client.post(f"{API}/vouchers/PN-SPARE/cancel", json={}, headers=w["headers"])
    assert adviser_cancel.status_code == 403
    cancelled = await client.post(f"{API}/vouchers/PN-SPARE/cancel", json={"reason": "perdu"}, headers=coordinator)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    late = await client.post(f"{API}/vouchers/PN-SPARE/issue", json={"learner_id": w["learner"]}, headers=w["headers"])
    assert (late.status_code, late.json()["message"]) == (409, "Ce Pass a été annulé : il ne peut plus servir.")
    events = await VoucherEvent.select().where(VoucherEvent.voucher == spare["id"]).order_by(VoucherEvent.id)
    assert [(e["to_status"], e["note"]) for e in events][-1] == ("cancelled", "perdu")


async def test_issuing_checks_the_learner_and_the_date(client, make):
    """A learner of another site or a future date is refused per field; an ended scheme refuses the handing."""
    site, elsewhere = await make.site(), await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    await make.voucher(site, number="PN-1")
    stranger = await make.learner(elsewhere)
    response = await client.post(
        f"{API}/vouchers/PN-1/issue", json={"learner_id": stranger, "issued_on": "2999-01-01"}, headers=headers
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["details"]} == {"learner_id", "issued_on"}
    old = await make.scheme(site, valid_until=date(2024, 12, 31))
    await make.voucher(site, old, "PN-OLD")
    late = await client.post(
        f"{API}/vouchers/PN-OLD/issue", json={"learner_id": await make.learner(site)}, headers=headers
    )
    assert late.status_code == 409 and "valable jusqu'au 31/12/2024" in late.json()["message"]


async def test_a_learners_vouchers_show_what_they_paid_for(client, make):
    """The learner's vouchers list the activity each paid for; the learner's data export holds them too."""
    w = await world(make)
    await make.voucher(w["site"], w["scheme"], "PN-000102", learner=w["learner"], issued_on=date(2025, 3, 2))
    redeem = {"activity_id": w["activity"]}
    assert (await client.post(f"{API}/vouchers/PN-000101/redeem", json=redeem, headers=w["headers"])).status_code == 200
    listed = (await client.get(f"{API}/learners/{w['learner']}/vouchers", headers=w["headers"])).json()
    assert [(v["number"], v["status"]) for v in listed] == [("PN-000102", "issued"), ("PN-000101", "redeemed")]
    assert listed[0]["paid_for"] is None
    assert listed[1]["paid_for"] == {
        "activity_id": w["activity"],
        "date": "2025-03-04",
        "type": "collectif",
        "title": "Atelier découverte",
        "duration_minutes": 90,
    }
    export = (await client.get(f"{API}/learners/{w['learner']}/export", headers=w["headers"])).json()
    assert sorted(v["number"] for v in export["vouchers"]) == ["PN-000101", "PN-000102"]
    assert [v["paid_for"]["activity_id"] for v in export["vouchers"] if v["paid_for"]] == [w["activity"]]


async def test_lists_filter_by_status_and_expiry(client, make):
    """The voucher list filters by status, and `expiring_within` keeps live vouchers ending in that many days."""
    from datetime import timedelta

    site = await make.site()
    headers = await make.bearer(await make.user("coordinator", site))
    soon = await make.scheme(site, valid_until=paris_today() + timedelta(days=10), name="Bientôt")
    later = await make.scheme(site, valid_until=paris_today() + timedelta(days=60), name="Plus tard")
    await make.voucher(site, soon, "S-1")
    await make.voucher(site, soon, "S-2", status="redeemed")
    await make.voucher(site, later, "L-1")
    within = (await client.get(f"{API}/vouchers?expiring_within=15", headers=headers)).json()
    assert [item["number"] for item in within["items"]] == ["S-1"]
    assert (await client.get(f"{API}/vouchers?expiring_within=7", headers=headers)).json()["total"] == 0
    stock = (await client.get(f"{API}/vouchers?status=in_stock", headers=headers)).json()
    assert sorted(item["number"] for item in stock["items"]) == ["L-1", "S-1"]


async def test_merging_learner_files_moves_their_vouchers(client, make):
    """Merging a duplicate file brings its vouchers and their history over to the kept file."""
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    keep, duplicate = await make.learner(site, "Jean", "Dupont"), await make.learner(site, "Jean", "Dupond")
    voucher = await make.voucher(site, number="PN-M", learner=duplicate)
    merged = await client.post(f"{API}/learners/{keep}/merge", json={"duplicate_id": duplicate}, headers=headers)
    assert merged.status_code in (200, 201), merged.text
    row = await Voucher.select(Voucher.learner).where(Voucher.id == voucher["id"]).first()
    assert row["learner"] == keep


async def test_the_designs_voucher_paths_are_published(client):
    """The OpenAPI document lists the voucher paths DESIGN.md fixes for integrations."""
    paths = set((await client.get("/schema/openapi.json")).json()["paths"])
    assert {
        "/api/v1/voucher-schemes",
        "/api/v1/booklets",
        "/api/v1/vouchers/{number}",
        "/api/v1/vouchers/{number}/issue",
        "/api/v1/vouchers/{number}/redeem",
        "/api/v1/claims",
        "/api/v1/claims/{claim_ref}",
    } <= paths
