"""`Idempotency-Key` on the API's writes: sent again, a record is answered from the first write and never written
twice, whatever the retries; a refusal is not remembered; keys belong to their account."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from inclusion import clock
from inclusion.storage.tables.accounts import IdempotentRequest
from inclusion.storage.tables.activities import Activity
from inclusion.storage.tables.learners import Learner

SESSION = {"type": "individuel", "duration_minutes": 30, "digital_topics": ["navigation_sur_internet"]}


async def adviser(make):
    site = await make.site("Bus numérique")
    user = await make.user("adviser", site)
    return site, user, await make.bearer(user)


def session(learner: int) -> dict:
    return SESSION | {"date": clock.today().isoformat(), "learner_id": learner}


async def test_a_record_sent_twice_with_its_key_is_written_once(client, make):
    """The second sending gets the first answer, byte for byte, marked as replayed; one activity exists."""
    site, _, headers = await adviser(make)
    learner = await make.learner(site)
    keyed = headers | {"Idempotency-Key": "bus-2026-12-05-0001"}
    first = await client.post("/api/v1/activities", json=session(learner), headers=keyed)
    again = await client.post("/api/v1/activities", json=session(learner), headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await Activity.count() == 1


async def test_two_copies_sent_at_once_make_one_record(client, make):
    """Five copies of a new learner file sent together: one file, five identical answers."""
    _, _, headers = await adviser(make)
    keyed = headers | {"Idempotency-Key": "bus-learner-0001"}
    body = {"first_name": "Nadia", "last_name": "Benali", "birth_year": 1960, "gender": "feminin"}
    answers = await asyncio.gather(*[client.post("/api/v1/learners", json=body, headers=keyed) for _ in range(5)])
    assert [answer.status_code for answer in answers] == [201] * 5
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert await Learner.count() == 1


async def test_the_same_key_with_another_record_is_refused(client, make):
    """A key reused for a different body answers 422 in French and writes nothing."""
    site, _, headers = await adviser(make)
    first, second = await make.learner(site), await make.learner(site)
    keyed = headers | {"Idempotency-Key": "bus-2026-12-05-0002"}
    assert (await client.post("/api/v1/activities", json=session(first), headers=keyed)).status_code == 201
    reused = await client.post("/api/v1/activities", json=session(second), headers=keyed)
    assert reused.status_code == 422 and "déjà servi pour une autre requête" in reused.json()["message"]
    assert await Activity.count() == 1
    bad_key = await client.post("/api/v1/activities", json=session(second), headers=headers | {"Idempotency-Key": "x"})
    assert bad_key.status_code == 422 and "Idempotency-Key" in bad_key.text
    assert await Activity.count() == 1


async def test_a_refusal_is_not_remembered_and_the_corrected_record_goes_through(client, make):
    """A queued record refused (no topic) can be corrected and sent again under its key."""
    site, _, headers = await adviser(make)
    learner = await make.learner(site)
    keyed = headers | {"Idempotency-Key": "bus-2026-12-05-0003"}
    refused = await client.post("/api/v1/activities", json=session(learner) | {"digital_topics": []}, headers=keyed)
    assert refused.status_code == 422 and await Activity.count() == 0 and await IdempotentRequest.count() == 0
    corrected = await client.post("/api/v1/activities", json=session(learner), headers=keyed)
    assert corrected.status_code == 201 and await Activity.count() == 1


async def test_keys_belong_to_their_account_and_last_seven_days(client, make):
    """Another adviser's identical key is their own; answers older than 7 days are purged as new ones are kept."""
    site, user, headers = await adviser(make)
    other = await make.bearer(await make.user("adviser", site))
    learner = await make.learner(site)
    for caller in (headers, other):
        answer = await client.post(
            "/api/v1/activities", json=session(learner), headers=caller | {"Idempotency-Key": "same-key-0001"}
        )
        assert answer.status_code == 201 and "idempotent-replayed" not in answer.headers
    assert await Activity.count() == 2
    await IdempotentRequest.update({IdempotentRequest.created_at: clock.now() - timedelta(days=8)}).where(
        IdempotentRequest.user == user["id"]
    )
    fresh = await client.post(
        "/api/v1/activities", json=session(learner), headers=other | {"Idempotency-Key": "next-key-0001"}
    )
    assert fresh.status_code == 201
    assert await IdempotentRequest.count().where(IdempotentRequest.user == user["id"]) == 0
    assert await IdempotentRequest.count() == 2
