"""Learner files, assessments, vouchers and certificates written as one statement plan each: the answers, the
refusals that leave nothing, and simultaneous requests, on the database kind under test."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date

import httpx
import pytest

from inclusion.clock import now
from inclusion.storage import db
from inclusion.storage.tables.activities import ActivityParticipant
from inclusion.storage.tables.assessments import Assessment, AssessmentLevel
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.vouchers import Voucher, VoucherEvent
from tests.support.clock import paris_today

API = "/api/v1"
NADIA = {"first_name": "Nadia", "last_name": "Benali", "birth_year": 1960}


@pytest.fixture
async def together(app):
    """A client calling the app on the test's own event loop: requests sent at once are handled at once (the test
    client hands them to the app one after the other). The app is not started: on PostgreSQL each query opens its
    own connection rather than borrowing from a pool."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        yield client


async def adviser_at(make, site: int | None = None) -> tuple[int, dict, dict]:
    site = site or await make.site()
    adviser = await make.user("adviser", site)
    return site, adviser, await make.bearer(adviser)


async def journal() -> list[tuple]:
    rows = await AuditEntry.select().order_by(AuditEntry.id).output(load_json=True)
    return [(r["action"], r["target_type"], r["target_id"], r["actor"], r["site"], r["detail"]) for r in rows]


async def test_a_new_or_changed_file_answers_what_reading_it_gives(client, make):
    """The file a POST or a PATCH answers with is the one a later GET reads; each write leaves its journal entry."""
    site, adviser, headers = await adviser_at(make)
    created = await client.post(f"{API}/learners", json={**NADIA, "insee_code": "62498", "qpv": True}, headers=headers)
    assert created.status_code == 201, created.text
    learner = created.json()["id"]
    assert created.json() == (await client.get(f"{API}/learners/{learner}", headers=headers)).json()
    changed = await client.patch(
        f"{API}/learners/{learner}", json={"birth_year": 1990, "notes": "Mardi"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["birth_year"], changed.json()["age_band"]) == (1990, "vingt_cinq_trente_neuf")
    assert changed.json() == (await client.get(f"{API}/learners/{learner}", headers=headers)).json()
    unchanged = await client.patch(f"{API}/learners/{learner}", json={}, headers=headers)
    assert unchanged.json() == changed.json()
    assert [entry[:5] for entry in await journal()] == [
        ("create", "learner", learner, adviser["id"], site),
        ("view", "learner", learner, adviser["id"], site),
        ("update", "learner", learner, adviser["id"], site),
        ("view", "learner", learner, adviser["id"], site),
    ]
    assert (await journal())[2][5] == {"fields": ["age_band", "birth_year", "notes"]}


async def test_refused_changes_leave_the_file_and_the_journal_as_they_were(client, make):
    """A bad field (422), an anonymised file (409) and another site's file (404) change no row and add no entry."""
    site, _, headers = await adviser_at(make)
    learner = await make.learner(site, "Nadia", "Benali", email="nadia@exemple.fr")
    gone = await make.learner(site, "Paul", "Parti")
    await client.delete(f"{API}/learners/{gone}", headers=headers)
    stranger = await make.learner(await make.site())
    before = (await Learner.select().order_by(Learner.id), await journal())
    bad = await client.patch(f"{API}/learners/{learner}", json={"email": "nadia", "last_name": ""}, headers=headers)
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["details"]} == {"email", "last_name"}
    anonymised = await client.patch(f"{API}/learners/{gone}", json={"notes": "x"}, headers=headers)
    assert (anonymised.status_code, anonymised.json()["message"]) == (
        409,
        "Cette fiche est anonymisée : elle ne peut plus être modifiée.",
    )
    elsewhere = await client.patch(f"{API}/learners/{stranger}", json={"notes": "x"}, headers=headers)
    assert (elsewhere.status_code, elsewhere.json()["message"]) == (404, "Apprenant introuvable.")
    assert (await Learner.select().order_by(Learner.id), await journal()) == before


async def test_simultaneous_files_for_one_person_make_one_file_and_409s(together, make):
    """Eight creations of one person sent at once: one file, seven 409s naming it, one journal entry."""
    _, _, headers = await adviser_at(make)
    responses = await asyncio.gather(*(together.post(f"{API}/learners", json=NADIA, headers=headers) for _ in range(8)))
    assert Counter(response.status_code for response in responses) == {201: 1, 409: 7}
    [created] = [response.json() for response in responses if response.status_code == 201]
    links = {response.json()["details"][0]["message"] for response in responses if response.status_code == 409}
    assert links == {f"/learners/{created['id']}"}
    assert await Learner.count() == 1
    assert [entry[0] for entry in await journal()] == ["create"]
    confirmed = await asyncio.gather(
        *(
            together.post(f"{API}/learners", json={**NADIA, "confirm_duplicate": True}, headers=headers)
            for _ in range(3)
        )
    )
    assert [response.status_code for response in confirmed] == [201] * 3 and await Learner.count() == 4


async def test_refused_assessments_leave_nothing(client, make):
    """Anonymised or merged file (422), another site's learner (404, before an unknown version's 422), unknown
    version: each its own answer; no assessment, level, contact date or journal entry is written."""
    site, _, headers = await adviser_at(make)
    learner = await make.learner(site, last_contact_on=date(2025, 1, 6))
    anonymised = await make.learner(site, anonymised_at=now())
    merged = await make.learner(site, merged_into=learner)
    stranger = await make.learner(await make.site())
    body = {"kind": "initial", "levels": {"navigation": 1}}

    async def assess(learner_id: int, **more) -> tuple[int, object]:
        response = await client.post(
            f"{API}/assessments", json={**body, "learner_id": learner_id, **more}, headers=headers
        )
        answer = response.json()
        return response.status_code, answer["details"] or answer["message"]

    gone = [
        {
            "field": "learner_id",
            "message": "Cette fiche est anonymisée ou fusionnée : elle ne reçoit plus d'évaluation.",
        }
    ]
    assert await assess(anonymised) == (422, gone)
    assert await assess(merged) == (422, gone)
    assert await assess(stranger) == (404, "Apprenant introuvable.")
    assert await assess(stranger, version_id=999_999) == (404, "Apprenant introuvable.")
    unknown = [{"field": "version_id", "message": "Version de référentiel inconnue."}]
    assert await assess(learner, version_id=999_999) == (422, unknown)
    assert await Assessment.count() == 0 and await AssessmentLevel.count() == 0
    assert (await Learner.select(Learner.last_contact_on).where(Learner.id == learner).first()) == {
        "last_contact_on": date(2025, 1, 6)
    }
    assert await journal() == []


async def test_an_assessment_is_journaled_and_moves_the_contact_date_as_before(client, make):
    """The assessment's journal entry names the learner, the site, the adviser and the assessment; its packed
    levels are those of the levels written."""
    from inclusion.assessments.packing import packed_of

    site, adviser, headers = await adviser_at(make)
    learner = await make.learner(site)
    body = {"learner_id": learner, "kind": "initial", "levels": {"navigation": 2, "courriel": 1}}
    created = (await client.post(f"{API}/assessments", json=body, headers=headers)).json()
    assert await journal() == [("assess", "learner", learner, adviser["id"], site, {"assessment": created["id"]})]
    packed = await Assessment.raw(
        f"SELECT levels_packed AS stored, {packed_of('a.id', db.is_sqlite())} AS computed FROM assessment a"
    )
    assert packed[0]["stored"] == packed[0]["computed"] != 0


async def test_simultaneous_redemptions_never_pay_more_than_the_activity_lasts(together, make):
    """Four vouchers of one learner sent at once for a 3 h workshop (2 h a voucher): two are redeemed, two refused."""
    site, _, headers = await adviser_at(make)
    scheme = await make.scheme(site, minutes_per_voucher=120)
    learner = await make.learner(site)
    workshop = await make.activity(site, duration_minutes=180, date=date(2025, 3, 4))
    await ActivityParticipant.insert(ActivityParticipant(activity=workshop, learner=learner, present=True))
    numbers = [f"PN-R{index}" for index in range(4)]
    for number in numbers:
        await make.voucher(site, scheme, number, learner=learner)
    responses = await asyncio.gather(
        *(together.post(f"{API}/vouchers/{n}/redeem", json={"activity_id": workshop}, headers=headers) for n in numbers)
    )
    assert Counter(response.status_code for response in responses) == {200: 2, 409: 2}
    assert {response.json()["message"] for response in responses if response.status_code == 409} == {
        "La durée de l'activité (180 min) est déjà couverte par 2 Pass de cet apprenant (120 min par Pass)."
    }
    assert await Voucher.count().where(Voucher.status == "redeemed") == 2
    assert await VoucherEvent.count().where(VoucherEvent.to_status == "redeemed") == 2
    assert [entry[0] for entry in await journal()] == ["redeem", "redeem"]


async def test_a_voucher_handed_twice_at_once_goes_to_one_learner(together, make):
    """Two handings of one voucher sent at once, to two learners: one is done, the other refused; one history row."""
    site, _, headers = await adviser_at(make)
    first, second = await make.learner(site), await make.learner(site)
    voucher = await make.voucher(site, number="PN-DOUBLE")
    responses = await asyncio.gather(
        *(
            together.post(f"{API}/vouchers/PN-DOUBLE/issue", json={"learner_id": who}, headers=headers)
            for who in (first, second)
        )
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409]
    [done] = [response.json() for response in responses if response.status_code == 200]
    [refused] = [response.json() for response in responses if response.status_code == 409]
    assert refused["message"] == f"Ce Pass a déjà été remis à un apprenant le {paris_today():%d/%m/%Y}."
    events = await VoucherEvent.select().where(VoucherEvent.voucher == voucher["id"]).order_by(VoucherEvent.id)
    assert [(e["to_status"], e["learner"]) for e in events] == [("in_stock", None), ("issued", done["learner_id"])]
    assert [entry[0] for entry in await journal()] == ["update"]


async def test_refused_handings_and_cancellations_leave_nothing(client, make):
    """Handing to another site's learner (422) or a voucher already used (409), cancelling a used voucher (409):
    the voucher, its history and the journal stay as they were."""
    site, _, headers = await adviser_at(make)
    coordinator = await make.bearer(await make.user("coordinator", site))
    learner = await make.learner(site)
    stranger = await make.learner(await make.site())
    spare = await make.voucher(site, number="PN-LIBRE")
    used = await make.voucher(site, number="PN-UTILISE", learner=learner, status="redeemed")

    async def state() -> tuple:
        vouchers = await Voucher.select().where(Voucher.id.is_in([spare["id"], used["id"]])).order_by(Voucher.id)
        return vouchers, await VoucherEvent.count(), await journal()

    before = await state()
    elsewhere = await client.post(f"{API}/vouchers/PN-LIBRE/issue", json={"learner_id": stranger}, headers=headers)
    assert elsewhere.status_code == 422 and elsewhere.json()["details"][0]["field"] == "learner_id"
    again = await client.post(f"{API}/vouchers/PN-UTILISE/issue", json={"learner_id": learner}, headers=headers)
    assert (again.status_code, again.json()["message"]) == (
        409,
        "Ce Pass a déjà été utilisé : il ne peut plus être remis.",
    )
    cancel = await client.post(f"{API}/vouchers/PN-UTILISE/cancel", json={"reason": "perdu"}, headers=coordinator)
    assert (cancel.status_code, cancel.json()["message"]) == (409, "Un Pass déjà utilisé ne peut pas être annulé.")
    assert await state() == before


async def test_simultaneous_revocations_revoke_once(together, make):
    """Three revocations of one certificate sent at once: one 200, two 409s, one journal entry."""
    site = await make.site()
    coordinator = await make.bearer(await make.user("coordinator", site))
    certificate = await make.certificate(await make.learner(site))
    url = f"{API}/certificates/{certificate}/revoke"
    responses = await asyncio.gather(
        *(together.post(url, json={"reason": f"Erreur {index}"}, headers=coordinator) for index in range(3))
    )
    assert Counter(response.status_code for response in responses) == {200: 1, 409: 2}
    refused = [response.json()["message"] for response in responses if response.status_code == 409]
    assert all(message.startswith("Cette attestation est déjà révoquée") for message in refused), refused
    assert [entry[0] for entry in await journal()] == ["revoke"]


@pytest.mark.sqlite_only
async def test_writes_waiting_for_the_lock_are_written_together_each_with_its_own_answer(together, make):
    """While the write lock is taken, a new file, its duplicate, an assessment, one for an anonymised file and a
    handing wait; once it is free each gets its own answer, and only the refused ones leave nothing."""
    site, _, headers = await adviser_at(make)
    learner = await make.learner(site)
    anonymised = await make.learner(site, anonymised_at=now())
    await make.voucher(site, number="PN-ATTENTE")
    assert (await together.get(f"{API}/learners/{learner}", headers=headers)).status_code == 200  # token noted
    before = await journal()
    gate = db.current_engine()._plan_writer.gate
    gate.acquire()  # as a checkpoint or another write would: the plans go to the writer thread and wait there
    try:
        assess = {"kind": "initial", "levels": {"navigation": 1}}
        requests = [
            together.post(f"{API}/learners", json=NADIA, headers=headers),
            together.post(f"{API}/learners", json={**NADIA, "first_name": "nadia"}, headers=headers),
            together.post(f"{API}/assessments", json={**assess, "learner_id": learner}, headers=headers),
            together.post(f"{API}/assessments", json={**assess, "learner_id": anonymised}, headers=headers),
            together.post(f"{API}/vouchers/PN-ATTENTE/issue", json={"learner_id": learner}, headers=headers),
        ]
        waiting = asyncio.gather(*requests)
        await asyncio.sleep(0.3)
        assert not waiting.done()
    finally:
        gate.release()
    responses = await waiting
    statuses = [response.status_code for response in responses]
    assert sorted(statuses[:2]) == [201, 409] and statuses[2:] == [201, 422, 200], statuses
    assert await Learner.count() == 3 and await Assessment.count() == 1
    added = (await journal())[len(before) :]
    assert sorted(entry[0] for entry in added) == ["assess", "create", "update"]


@pytest.mark.sqlite_only
async def test_a_learner_anonymised_while_the_assessment_waits_gets_none(client, make, database_url):
    """A file anonymised after the assessment was sent but before it is written: 422, nothing written."""
    import sqlite3
    import threading
    import time

    site, _, headers = await adviser_at(make)
    learner = await make.learner(site)
    assert (await client.get(f"{API}/learners/{learner}", headers=headers)).status_code == 200  # token noted
    gate = db.current_engine()._plan_writer.gate
    gate.acquire()

    def anonymise_then_open_the_gate() -> None:
        time.sleep(0.3)
        elsewhere = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=10)
        with elsewhere:
            elsewhere.execute("UPDATE learner SET anonymised_at = CURRENT_TIMESTAMP WHERE id = ?", [learner])
        elsewhere.close()
        gate.release()

    threading.Thread(target=anonymise_then_open_the_gate).start()
    body = {"learner_id": learner, "kind": "initial", "levels": {"navigation": 1}}
    response = await client.post(f"{API}/assessments", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert await Assessment.count() == 0 and await AssessmentLevel.count() == 0
