"""Learners' feedback through the API: the questionnaire's versions, answers on the adviser's phone, a workshop's
public link and its limits; every refusal writes nothing, and no answer can be tied to a person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from litestar.testing import AsyncTestClient

from inclusion import clock
from inclusion.app import create_app
from inclusion.storage.tables.activities import ActivityParticipant
from inclusion.storage.tables.feedback import FeedbackAnswer, FeedbackLink, FeedbackOffer, FeedbackReceipt

GOOD = {"satisfaction": "tres_satisfait", "besoin": "oui", "aisance": "plutot_oui"}


async def setup_site(make, participants: int = 3):
    site = await make.site("Espace Carnot")
    adviser = await make.user("adviser", site)
    headers = await make.bearer(adviser)
    learners = [await make.learner(site, "Paul", f"Martin{i}") for i in range(participants)]
    workshop = await make.activity(site, date=clock.today(), anonymous_count=1)
    for learner in learners:
        await ActivityParticipant.insert(ActivityParticipant(activity=workshop, learner=learner, present=True)).run()
    session = await make.activity(site, type="individuel", learner=learners[0], date=clock.today())
    return {"site": site, "headers": headers, "workshop": workshop, "session": session, "learners": learners}


async def key(client, setup, activity: int) -> str:
    response = await client.post(f"/api/v1/activities/{activity}/feedback/key", headers=setup["headers"])
    assert response.status_code == 201, response.text
    return response.json()["key"]


async def test_the_questionnaire_is_versioned_data(client, make):
    """Version 1 asks satisfaction (4 levels), whether the need was met (3) and ease next time (4), then a comment."""
    setup = await setup_site(make)
    forms = (await client.get("/api/v1/feedback-forms", headers=setup["headers"])).json()
    assert [(form["code"], form["version"], form["is_current"]) for form in forms] == [("qualite_service", 1, True)]
    questions = forms[0]["questions"]
    assert [(q["code"], len(q["options"])) for q in questions] == [
        ("satisfaction", 4),
        ("besoin", 3),
        ("aisance", 4),
        ("commentaire", 0),
    ]
    assert all(option["picto"] for q in questions for option in q["options"])


async def test_an_answer_on_the_advisers_phone_counts_once(client, make):
    """An answer is recorded once: the same display's key sent again is refused (409) and changes no count."""
    setup = await setup_site(make)
    display = await key(client, setup, setup["session"])
    url = f"/api/v1/activities/{setup['session']}/feedback"
    sent = await client.post(url, json={"key": display, "answers": GOOD}, headers=setup["headers"])
    assert sent.status_code == 204, sent.text
    again = await client.post(url, json={"key": display, "answers": GOOD}, headers=setup["headers"])
    assert again.status_code == 409 and "déjà été envoyé" in again.json()["message"]
    counts = (await client.get(url, headers=setup["headers"])).json()
    assert counts | {"links": None} == {
        "activity_id": setup["session"],
        "offered": True,
        "participants": 1,
        "answers": 1,
        "links": None,
    }
    assert await FeedbackAnswer.count() == 1 and await FeedbackReceipt.count() == 1


async def test_an_answer_outside_the_scale_is_refused_field_by_field(client, make):
    """A level that is not on the scale, a missing answer and an unknown question get French messages; nothing kept."""
    setup = await setup_site(make)
    display = await key(client, setup, setup["workshop"])
    bad = {"satisfaction": "genial", "aisance": "plutot_oui", "humeur": "bonne"}
    response = await client.post(
        f"/api/v1/activities/{setup['workshop']}/feedback",
        json={"key": display, "answers": bad},
        headers=setup["headers"],
    )
    assert response.status_code == 422
    fields = {detail["field"]: detail["message"] for detail in response.json()["details"]}
    assert fields == {
        "answers.satisfaction": "Cette réponse ne fait pas partie des choix proposés.",
        "answers.besoin": "Choisissez une réponse.",
        "answers.humeur": "Cette question ne fait pas partie du questionnaire.",
    }
    long_comment = GOOD | {"commentaire": "x" * 1001}
    response = await client.post(
        f"/api/v1/activities/{setup['workshop']}/feedback",
        json={"key": display, "answers": long_comment},
        headers=setup["headers"],
    )
    assert response.status_code == 422 and "1000 caractères" in response.text
    assert await FeedbackAnswer.count() == 0 and await FeedbackReceipt.count() == 0
    assert (await FeedbackOffer.select(FeedbackOffer.answers).first())["answers"] == 0


async def test_a_workshop_link_takes_participants_plus_two_answers_for_seven_days(client, make):
    """3 named + 1 anonymous: the link takes 6 answers, then says it is full (409); expired it answers 410."""
    setup = await setup_site(make)
    created = await client.post(f"/api/v1/activities/{setup['workshop']}/feedback/links", headers=setup["headers"])
    assert created.status_code == 201, created.text
    link = created.json()
    assert link["max_answers"] == 6 and link["answers"] == 0 and link["open"]
    token = link["url"].rsplit("/avis/", 1)[1]
    for number in range(6):
        sent = await client.post(f"/feedback/{token}", json={"key": f"display-{number:04}", "answers": GOOD})
        assert sent.status_code == 204, sent.text
    full = await client.post(f"/feedback/{token}", json={"key": "display-0099", "answers": GOOD})
    assert full.status_code == 409 and "toutes les réponses" in full.json()["message"]
    assert await FeedbackAnswer.count() == 6
    counts = (await client.get(f"/api/v1/activities/{setup['workshop']}/feedback", headers=setup["headers"])).json()
    assert (counts["participants"], counts["answers"], counts["links"][0]["open"]) == (4, 6, False)

    second = (
        await client.post(f"/api/v1/activities/{setup['workshop']}/feedback/links", headers=setup["headers"])
    ).json()
    await FeedbackLink.update({FeedbackLink.expires_at: clock.now() - timedelta(minutes=1)}).where(
        FeedbackLink.id == second["id"]
    )
    token = second["url"].rsplit("/avis/", 1)[1]
    expired = await client.post(f"/feedback/{token}", json={"key": "display-0100", "answers": GOOD})
    assert expired.status_code == 410 and "fermé" in expired.json()["message"]
    assert "fermé" in (await client.get(f"/avis/{token}")).text
    forged = token.split("-", 1)[0] + "-forged"
    assert (await client.post(f"/feedback/{forged}", json={"key": "display-0101", "answers": GOOD})).status_code == 404
    assert (await client.get("/avis/nothing-here")).status_code == 404
    assert await FeedbackAnswer.count() == 6 and await FeedbackReceipt.count() == 6


async def test_a_session_has_no_qr_link_and_others_sites_activities_do_not_exist(client, make):
    """A QR link is for workshops (409 for a session); another site's activity answers 404; a funder gets counts."""
    setup = await setup_site(make)
    refused = await client.post(f"/api/v1/activities/{setup['session']}/feedback/links", headers=setup["headers"])
    assert refused.status_code == 409 and "atelier" in refused.json()["message"]
    other_site = await make.site("Médiathèque")
    other = await make.bearer(await make.user("adviser", other_site))
    for path in ("", "/links", "/key"):
        method = client.get if path == "" else client.post
        response = await method(f"/api/v1/activities/{setup['workshop']}/feedback{path}", headers=other)
        assert response.status_code == 404, path
    funder = await make.bearer(await make.user("funder", setup["site"]))
    seen = (await client.get(f"/api/v1/activities/{setup['workshop']}/feedback", headers=funder)).json()
    assert seen["links"] is None and set(seen) == {"activity_id", "offered", "participants", "answers", "links"}
    assert (
        await client.post(f"/api/v1/activities/{setup['workshop']}/feedback/key", headers=funder)
    ).status_code == 403


async def test_public_answers_are_rate_limited_per_address(make, settings):
    """Past the per-address quota, the public route answers 429 with Retry-After and records nothing more."""
    async with AsyncTestClient(create_app(settings.with_changes(feedback_max_per_address=3))) as client:
        setup = await setup_site(make, participants=10)
        link = (
            await client.post(f"/api/v1/activities/{setup['workshop']}/feedback/links", headers=setup["headers"])
        ).json()
        token = link["url"].rsplit("/avis/", 1)[1]
        statuses = [
            (await client.post(f"/feedback/{token}", json={"key": f"display-{n:04}", "answers": GOOD})).status_code
            for n in range(5)
        ]
        assert statuses == [204, 204, 204, 429, 429]
        limited = await client.post(f"/feedback/{token}", json={"key": "display-0999", "answers": GOOD})
        assert int(limited.headers["retry-after"]) > 0 and "avis envoyés" in limited.json()["message"]
        assert await FeedbackAnswer.count() == 3


async def test_no_answer_can_be_tied_to_a_learner(client, make):
    """The answer table has no learner or activity column; an answer holds the site, the month and the choices only."""
    setup = await setup_site(make)
    for activity in (setup["session"], setup["workshop"]):
        display = await key(client, setup, activity)
        answers = GOOD | {"commentaire": "Très bien expliqué"}
        sent = await client.post(
            f"/api/v1/activities/{activity}/feedback",
            json={"key": display, "answers": answers},
            headers=setup["headers"],
        )
        assert sent.status_code == 204
    columns = {column._meta.db_column_name for column in FeedbackAnswer._meta.columns}
    assert columns == {
        "id", "form", "site", "month", "activity_type", "channel", "answers", "satisfied", "needs_met", "at_ease",
        "comment",
    }  # fmt: skip
    targets = {
        fk._foreign_key_meta.resolved_references._meta.tablename for fk in FeedbackAnswer._meta.foreign_key_columns
    }
    assert targets == {"feedback_form", "site"}
    rows = await FeedbackAnswer.select().output(load_json=True)
    first_of_month = clock.today().replace(day=1)
    for row in rows:
        assert row["month"] == first_of_month and row["site"] == setup["site"]
        assert row["answers"] == GOOD
        stored = " ".join(str(value) for value in row.values())
        for learner in setup["learners"]:
            assert f"Martin{setup['learners'].index(learner)}" not in stored
    receipts = await FeedbackReceipt.select()
    assert all(set(receipt) == {"id", "key", "month"} and len(receipt["key"]) == 64 for receipt in receipts)
    offers = await FeedbackOffer.select(FeedbackOffer.activity, FeedbackOffer.answers)
    assert sorted((offer["activity"], offer["answers"]) for offer in offers) == sorted(
        [(setup["session"], 1), (setup["workshop"], 1)]
    )


@pytest.mark.parametrize("answers", [{}, {"satisfaction": "satisfait"}])
async def test_the_page_form_shows_each_missing_answer_inline(client, make, answers):
    """Sent without JavaScript and incomplete, the handed-over questionnaire comes back with its errors (422)."""
    from tests.support.browser import logged_in

    site = await make.site()
    adviser = await make.user("adviser", site)
    activity = await make.activity(site, date=date.today())
    csrf = await logged_in(client, adviser)
    page = await client.get(f"/activities/{activity}/avis/questionnaire")
    assert page.status_code == 200 and "Question 1 sur 4" in page.text and 'class="menu"' not in page.text
    form = {"csrf_token": csrf, "key": "display-key-0001", **{f"q_{code}": value for code, value in answers.items()}}
    response = await client.post(f"/activities/{activity}/avis/questionnaire", data=form)
    assert response.status_code == 422 and response.text.count('class="field-error"') == 3 - len(answers)
    assert await FeedbackAnswer.count() == 0
