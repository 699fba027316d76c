"""Activities through the API, in the national model: workshops, individual sessions, attendance."""

from datetime import date, timedelta

import pytest

from inclusion.storage.tables.activities import Activity, ActivityParticipant, SiteDay
from inclusion.storage.tables.learners import Learner
from tests.support.clock import paris_today, server_zone

TODAY = paris_today()


async def setup(make):
    site = await make.site("Espace Carnot")
    headers = await make.bearer(await make.user("adviser", site))
    learners = [await make.learner(site, f"Prénom{index}", "Atelier") for index in range(8)]
    return site, headers, learners


def session(learner: int, day: date) -> dict:
    return {
        "type": "individuel",
        "date": str(day),
        "duration_minutes": 30,
        "learner_id": learner,
        "digital_topics": ["navigation_sur_internet"],
    }


def workshop(learners, **changes):
    return {
        "type": "collectif",
        "date": TODAY.isoformat(),
        "start_time": "14:00",
        "duration_minutes": 120,
        "title": "Découvrir son smartphone",
        "level": "debutant",
        "digital_topics": ["prendre_en_main_du_materiel", "securite_numerique"],
        "device": "telephone",
        "participants": [{"learner_id": learner, "present": index != 7} for index, learner in enumerate(learners)],
        "anonymous_count": 3,
        "anonymous_breakdown": {"gender": {"feminin": 2, "masculin": 1}, "age_band": {"soixante_dix_plus": 3}},
        **changes,
    }


async def test_workshop_with_eight_participants(client, make):
    """A workshop stores its participants, topics and anonymous counts; present learners' last contact moves."""
    _, headers, learners = await setup(make)
    response = await client.post("/api/v1/activities", json=workshop(learners), headers=headers)
    assert response.status_code == 201, response.text
    [body] = response.json()
    assert body["title"] == "Découvrir son smartphone" and body["start_time"] == "14:00"
    assert body["digital_topics"] == ["prendre_en_main_du_materiel", "securite_numerique"]
    assert [p["present"] for p in body["participants"]] == [True] * 7 + [False]
    assert body["participants"][0]["display_name"] == "Prénom0 Atelier"
    assert body["anonymous_breakdown"] == {
        "gender": {"feminin": 2, "masculin": 1},
        "age_band": {"soixante_dix_plus": 3},
    }
    contacts = {r["id"]: r["last_contact_on"] for r in await Learner.select(Learner.id, Learner.last_contact_on)}
    assert contacts[learners[0]] == TODAY and contacts[learners[7]] == date(2025, 1, 6)


async def test_individual_session_with_a_file_or_an_anonymous_person(client, make):
    """An individual session names one learner, or describes an anonymous person; autonomy and referral stay."""
    _, headers, learners = await setup(make)
    session = {
        "type": "individuel", "date": TODAY.isoformat(), "duration_minutes": 45, "learner_id": learners[0],
        "admin_topics": ["argent_impots"], "digital_topics": ["aide_aux_demarches_administratives"],
        "autonomy": "partiellement_autonome",
        "referral": {"type": "administration", "name": "Centre des finances publiques", "note": "Rendez-vous pris"},
    }  # fmt: skip
    [body] = (await client.post("/api/v1/activities", json=session, headers=headers)).json()
    assert body["learner_id"] == learners[0] and body["referral"]["name"] == "Centre des finances publiques"
    anonymous = {
        **session,
        "learner_id": None,
        "anonymous_person": {"age_band": "soixante_dix_plus", "gender": "feminin"},
    }
    [other] = (await client.post("/api/v1/activities", json=anonymous, headers=headers)).json()
    assert other["anonymous_person"] == {
        "age_band": "soixante_dix_plus",
        "gender": "feminin",
        "social_status": "non_communique",
    }


async def test_bad_activity_is_refused_field_by_field(client, make):
    """Bad duration, a workshop planned over a year ahead, unknown topic, foreign participant, wrong breakdown,
    present-and-absent: each named."""
    _, headers, learners = await setup(make)
    stranger = await make.learner(await make.site("Ailleurs"))
    foreign = [{"learner_id": x} for x in learners + [stranger]]
    both = [{"learner_id": learners[0]}, {"learner_id": learners[0], "present": False}]
    cases = {
        "duration_minutes": workshop(learners, duration_minutes=0),
        "date": workshop(learners, date=(TODAY + timedelta(days=367)).isoformat()),
        "participants[8].learner_id": workshop(learners, participants=foreign),
        "anonymous_breakdown.gender": workshop(learners, anonymous_breakdown={"gender": {"feminin": 1}}),
        "participants": workshop(learners, participants=both),
    }
    for field, payload in cases.items():
        response = await client.post("/api/v1/activities", json=payload, headers=headers)
        assert response.status_code == 422, field
        assert field in [d["field"] for d in response.json()["details"]], (field, response.json())
    too_long = await client.post("/api/v1/activities", json=workshop(learners, duration_minutes=1440), headers=headers)
    assert too_long.json()["details"][0]["message"] == "La durée doit être comprise entre 1 et 1 439 minutes (23 h 59)."
    unknown = await client.post(
        "/api/v1/activities", json=workshop(learners, digital_topics=["astrologie"]), headers=headers
    )
    assert unknown.status_code == 422 and unknown.json()["details"][0]["field"] == "digital_topics[0]"
    breakdown = await client.post(
        "/api/v1/activities", json=workshop(learners, anonymous_breakdown={"gender": {"feminin": 1}}), headers=headers
    )
    assert breakdown.json()["details"] == [
        {
            "field": "anonymous_breakdown.gender",
            "message": "La répartition par genre totalise 1 personne(s), or le nombre de participants anonymes est 3.",
        }
    ]
    assert await Activity.count() == 0 and await ActivityParticipant.count() == 0


NO_PARTICIPANT = (
    "Ajoutez au moins un participant : un apprenant avec sa fiche, ou un nombre de participants sans fiche."
)


async def test_an_activity_needs_a_digital_topic_and_a_workshop_a_participant(client, make):
    """As in the national model, every activity names a digital topic, and a workshop has someone, named or
    anonymous: refused in French beside each field, by POST and PATCH alike, and nothing is written."""
    _, headers, learners = await setup(make)
    empty = workshop(learners, digital_topics=[], participants=[], anonymous_count=0, anonymous_breakdown=None)
    session = {"type": "individuel", "date": TODAY.isoformat(), "duration_minutes": 30, "learner_id": learners[0]}
    refused = [await client.post("/api/v1/activities", json=body, headers=headers) for body in (empty, session)]
    assert [response.status_code for response in refused] == [422, 422]
    assert refused[0].json()["details"] == [
        {"field": "digital_topics", "message": "Choisissez au moins une thématique numérique."},
        {"field": "participants", "message": NO_PARTICIPANT},
    ]
    assert [d["field"] for d in refused[1].json()["details"]] == ["digital_topics"]
    assert await Activity.count() == 0
    only_anonymous = workshop(learners, participants=[], anonymous_count=3, anonymous_breakdown=None)
    [created] = (await client.post("/api/v1/activities", json=only_anonymous, headers=headers)).json()
    url = f"/api/v1/activities/{created['id']}"
    for change, field in (({"digital_topics": []}, "digital_topics"), ({"anonymous_count": 0}, "participants")):
        response = await client.patch(url, json=change, headers=headers)
        assert response.status_code == 422 and [d["field"] for d in response.json()["details"]] == [field]
    assert (await client.get(url, headers=headers)).json() == created


async def test_today_is_the_day_in_paris_whatever_the_servers_zone(client, make):
    """On a server 12 h behind or 14 h ahead of UTC, a session on Paris's today is accepted and on Paris's tomorrow
    refused."""
    _, headers, learners = await setup(make)
    today = paris_today()
    on_today, on_tomorrow = session(learners[0], today), session(learners[0], today + timedelta(1))
    for zone in ("Etc/GMT+12", "Etc/GMT-14"):  # at any hour, one of the two is not on Paris's date
        with server_zone(zone):
            accepted = await client.post("/api/v1/activities", json=on_today, headers=headers)
            refused = await client.post("/api/v1/activities", json=on_tomorrow, headers=headers)
        assert accepted.status_code == 201, (zone, accepted.text)
        assert refused.status_code == 422 and refused.json()["details"][0]["field"] == "date", (zone, refused.text)


async def test_an_overseas_service_records_its_own_today(app, settings, make):
    """A service set to a zone 13 h ahead of Paris or 12 h behind accepts a session on its own today and refuses one
    on its own tomorrow (at any hour, one of the two is not on Paris's date)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from litestar.testing import AsyncTestClient

    from inclusion import clock
    from inclusion.app import create_app

    _, headers, learners = await setup(make)
    try:
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
            local = datetime.now(ZoneInfo(zone)).date()
            async with AsyncTestClient(app=create_app(settings.with_changes(time_zone=zone))) as client:
                accepted = await client.post("/api/v1/activities", json=session(learners[0], local), headers=headers)
                tomorrow = session(learners[0], local + timedelta(1))
                refused = await client.post("/api/v1/activities", json=tomorrow, headers=headers)
            assert accepted.status_code == 201, (zone, accepted.text)
            assert refused.status_code == 422 and refused.json()["details"][0]["field"] == "date", (zone, refused.text)
    finally:
        clock.use_zone(clock.DEFAULT_ZONE)


async def test_a_refused_activity_names_its_own_problems_and_its_learners_at_once(client, make):
    """Zero minutes and a participant of another site in one request: both named, nothing written."""
    _, headers, learners = await setup(make)
    stranger = await make.learner(await make.site("Ailleurs"))
    participants = [{"learner_id": x} for x in [*learners, stranger]]
    response = await client.post(
        "/api/v1/activities", json=workshop(learners, duration_minutes=0, participants=participants), headers=headers
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["details"]} == {"duration_minutes", "participants[8].learner_id"}
    assert await Activity.count() == 0 and await ActivityParticipant.count() == 0


async def assert_weeks_stored_as_answered(client, headers, body: list[dict], start: date, weeks: int) -> None:
    """One activity a week from `start`, each read back with its date, topics and participants as answered."""
    assert [item["date"] for item in body] == [(start + timedelta(weeks=w)).isoformat() for w in range(weeks)]
    for item in body:  # each week has the workshop's topics and participants, in the order sent
        stored = (await client.get(f"/api/v1/activities/{item['id']}", headers=headers)).json()
        assert stored["date"] == item["date"]
        assert stored["participants"] == item["participants"] and [p["learner_id"] for p in stored["participants"]]
        assert stored["digital_topics"] == item["digital_topics"] and stored["digital_topics"]


async def test_weekly_repeat_creates_one_activity_per_week(client, make):
    """A workshop repeated for 4 weeks makes 4 dated a week apart, sharing a series; weeks may run into the coming
    year (planned), not past it."""
    _, headers, learners = await setup(make)
    start = TODAY - timedelta(weeks=3)
    response = await client.post(
        "/api/v1/activities", json=workshop(learners, date=start.isoformat(), repeat_weeks=4), headers=headers
    )
    body = response.json()
    await assert_weeks_stored_as_answered(client, headers, body, start, 4)
    assert len({item["series"] for item in body}) == 1 and body[0]["series"]
    too_far = await client.post(
        "/api/v1/activities",
        json=workshop(learners, date=(TODAY + timedelta(weeks=50)).isoformat(), repeat_weeks=4),
        headers=headers,
    )
    assert too_far.status_code == 422 and too_far.json()["details"][0]["field"] == "repeat_weeks"
    assert await Activity.count() == 4


@pytest.mark.sqlite_only
async def test_a_long_series_written_in_several_inserts_keeps_each_week_its_own_rows(client, make, monkeypatch):
    """On SQLite, a series too long for one INSERT is written in several: each week still gets its date, topics and
    participants."""
    from inclusion.activities import recording_sqlite

    monkeypatch.setattr(recording_sqlite, "MOST_VALUES", 60)  # 2 activities, 20 participants per INSERT
    _, headers, learners = await setup(make)
    start = TODAY - timedelta(weeks=6)
    response = await client.post(
        "/api/v1/activities", json=workshop(learners, date=start.isoformat(), repeat_weeks=7), headers=headers
    )
    await assert_weeks_stored_as_answered(client, headers, response.json(), start, 7)
    assert await ActivityParticipant.count() == 7 * len(learners)


async def test_duplicate_edit_delete_and_filter(client, make):
    """An activity can be duplicated, edited, filtered by learner (sessions and workshops) and topic, and deleted."""
    _, headers, learners = await setup(make)
    [created] = (await client.post("/api/v1/activities", json=workshop(learners[:2]), headers=headers)).json()
    copy = (await client.post(f"/api/v1/activities/{created['id']}/duplicate", json={}, headers=headers)).json()
    assert copy["id"] != created["id"] and [p["learner_id"] for p in copy["participants"]] == learners[:2]
    edited = await client.patch(
        f"/api/v1/activities/{copy['id']}", json={"duration_minutes": 60, "digital_topics": ["email"]}, headers=headers
    )
    assert edited.status_code == 200 and edited.json()["duration_minutes"] == 60
    by_topic = (await client.get("/api/v1/activities?topic=email", headers=headers)).json()
    assert [item["id"] for item in by_topic["items"]] == [copy["id"]]
    session = {"type": "individuel", "date": TODAY.isoformat(), "duration_minutes": 30, "learner_id": learners[1]}
    session["digital_topics"] = ["email"]
    [own] = (await client.post("/api/v1/activities", json=session, headers=headers)).json()
    by_learner = (await client.get(f"/api/v1/activities?learner={learners[1]}", headers=headers)).json()
    assert {item["id"] for item in by_learner["items"]} == {created["id"], copy["id"], own["id"]}
    assert (await client.delete(f"/api/v1/activities/{own['id']}", headers=headers)).status_code == 204
    assert (await client.get(f"/api/v1/activities?learner={learners[5]}", headers=headers)).json()["total"] == 0
    assert (await client.delete(f"/api/v1/activities/{copy['id']}", headers=headers)).status_code == 204
    assert await Activity.count() == 1


async def test_attendance_counts_activity_days_as_open(client, make):
    """A recorded day keeps its visitors; a day with an activity counts as open; future days are refused."""
    site, headers, learners = await setup(make)
    monday = TODAY - timedelta(days=TODAY.weekday() + 7)
    saved = await client.put(f"/api/v1/attendance/{site}/{monday}", json={"visitors": 23}, headers=headers)
    assert saved.status_code == 200 and saved.json()["visitors"] == 23
    tuesday = monday + timedelta(days=1)
    await client.post("/api/v1/activities", json=workshop(learners[:1], date=tuesday.isoformat()), headers=headers)
    days = (await client.get(f"/api/v1/attendance/{site}?date_from={monday}&date_to={tuesday}", headers=headers)).json()
    assert [(d["day"], d["open"], d["visitors"], d["activities"]) for d in days] == [
        (monday.isoformat(), True, 23, 0),
        (tuesday.isoformat(), True, 0, 1),
    ]
    again = await client.put(f"/api/v1/attendance/{site}/{monday}", json={"open": False}, headers=headers)
    assert again.json()["open"] is False and await SiteDay.count() == 1
    future = await client.put(f"/api/v1/attendance/{site}/{TODAY + timedelta(days=1)}", json={}, headers=headers)
    assert future.status_code == 422


async def test_csv_export_follows_the_national_columns(client, make):
    """The CSV has a BOM, `;` separators, dd/mm/yyyy dates, joined topics and counts by band, filters applied."""
    _, headers, learners = await setup(make)
    await client.post("/api/v1/activities", json=workshop(learners), headers=headers)
    session = {
        "type": "individuel", "date": TODAY.isoformat(), "duration_minutes": 30, "autonomy": "autonome",
        "anonymous_person": {"age_band": "soixante_dix_plus", "gender": "feminin"}, "digital_topics": ["email"],
    }  # fmt: skip
    await client.post("/api/v1/activities", json=session, headers=headers)
    response = await client.get("/api/v1/activities.csv", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    rows = [dict(zip(header, line.split(";"), strict=True)) for line in lines[1:]]
    assert len(rows) == 2
    workshop_row = next(row for row in rows if row["type"] == "collectif")
    assert workshop_row["date"] == TODAY.strftime("%d/%m/%Y") and workshop_row["duree_minutes"] == "120"
    assert workshop_row["thematiques"] == "prendre_en_main_du_materiel, securite_numerique"
    assert (workshop_row["participants_presents"], workshop_row["participants_absents"]) == ("7", "1")
    assert workshop_row["participants_anonymes"] == "3" and workshop_row["participants_total"] == "10"
    assert workshop_row["genre_feminin"] == "2" and workshop_row["age_soixante_dix_plus"] == "3"
    assert workshop_row["genre_non_communique"] == "7"  # the 7 present named learners
    only_sessions = await client.get("/api/v1/activities.csv?type=individuel", headers=headers)
    session_rows = only_sessions.content.decode("utf-8-sig").splitlines()[1:]
    assert len(session_rows) == 1 and ";autonome;" in session_rows[0]


async def test_xlsx_export_opens_with_the_same_rows(client, make):
    """The XLSX export is a real workbook with a header and one row per activity."""
    import io
    import zipfile

    _, headers, learners = await setup(make)
    await client.post("/api/v1/activities", json=workshop(learners, repeat_weeks=1), headers=headers)
    response = await client.get("/api/v1/activities.xlsx", headers=headers)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        strings = (
            workbook.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in workbook.namelist() else sheet
        )
    assert sheet.count("<row ") == 2
    assert "Découvrir son smartphone" in strings and "participants_presents" in strings


async def test_the_answer_to_a_create_is_what_a_later_read_returns(client, make):
    """What POST answers (built without re-reading) is exactly what GET returns afterwards, for every kind."""
    site, headers, learners = await setup(make)
    other_adviser = (await make.user("adviser", site))["id"]
    coordinator = await make.bearer(await make.user("coordinator", site))
    bodies = [
        (headers, workshop(learners, repeat_weeks=2, date=(TODAY - timedelta(weeks=1)).isoformat())),
        (headers, workshop(learners[:1], anonymous_count=0, anonymous_breakdown=None, start_time=None)),
        (
            headers,
            {
                "type": "individuel",
                "date": TODAY.isoformat(),
                "duration_minutes": 30,
                "digital_topics": ["email"],
                "learner_id": learners[2],
                "autonomy": "autonome",
                "referral": {"type": "administration", "name": "CAF"},
                "note": "Suivi",
            },
        ),
        (
            coordinator,
            {
                "type": "individuel",
                "date": TODAY.isoformat(),
                "duration_minutes": 15,
                "digital_topics": ["diagnostic_numerique"],
                "adviser_id": other_adviser,
                "anonymous_person": {"age_band": "quarante_cinquante_neuf", "gender": "feminin"},
                "place": "a_distance",
            },
        ),
    ]
    created = []
    for caller_headers, body in bodies:
        response = await client.post("/api/v1/activities", json=body, headers=caller_headers)
        assert response.status_code == 201, response.text
        created += response.json()
    assert len(created) == 5 and created[0]["series"] and created[0]["series"] == created[1]["series"]
    assert created[4]["adviser_id"] == other_adviser and created[4]["adviser_name"].startswith("Personne adviser")
    assert created[3]["learner_name"] == "Prénom2 Atelier" and created[4]["learner_name"] is None
    for answer in created:
        assert (await client.get(f"/api/v1/activities/{answer['id']}", headers=headers)).json() == answer


async def test_a_change_to_breakdown_time_person_or_referral_reads_back_as_sent(client, make):
    """PATCH of the nested fields (breakdown, anonymous person, referral) and the time answers what GET returns."""
    _, headers, learners = await setup(make)
    [created] = (await client.post("/api/v1/activities", json=workshop(learners), headers=headers)).json()
    patch = {"anonymous_count": 2, "anonymous_breakdown": {"gender": {"feminin": 2}}, "start_time": "09:30"}
    response = await client.patch(f"/api/v1/activities/{created['id']}", json=patch, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["anonymous_breakdown"] == {"gender": {"feminin": 2}} and body["start_time"] == "09:30"
    assert (await client.get(f"/api/v1/activities/{created['id']}", headers=headers)).json() == body
    session = {"type": "individuel", "date": created["date"], "duration_minutes": 30, "learner_id": learners[0]}
    session["digital_topics"] = ["email"]
    [single] = (await client.post("/api/v1/activities", json=session, headers=headers)).json()
    change = {
        "learner_id": None,
        "anonymous_person": {"gender": "feminin"},
        "referral": {"type": "administration", "name": "CAF"},
    }
    body = (await client.patch(f"/api/v1/activities/{single['id']}", json=change, headers=headers)).json()
    assert body["referral"] == {"type": "administration", "name": "CAF", "note": ""}
    assert body["anonymous_person"]["gender"] == "feminin" and body["learner_id"] is None


async def test_workshops_sent_at_once_each_get_their_own_answer(client, make):
    """Twelve workshops sent together are each stored with their own title, participants and ids; the one
    naming another site's learner is refused alone, with nothing of it written."""
    import asyncio

    site, headers, learners = await setup(make)
    stranger = await make.learner(await make.site(), "Autre", "Site")
    bodies = [workshop(learners[index % 8 :] + learners[: index % 8], title=f"Atelier {index}") for index in range(12)]
    bodies[5]["participants"][2]["learner_id"] = stranger
    responses = await asyncio.gather(*[client.post("/api/v1/activities", json=b, headers=headers) for b in bodies])
    assert [r.status_code for r in responses] == [201] * 5 + [422] + [201] * 6
    assert responses[5].json()["details"] == [
        {"field": "participants[2].learner_id", "message": "Apprenant inconnu sur ce site (ou fiche anonymisée)."}
    ]
    created = {r.json()[0]["id"]: r.json()[0] for r in responses if r.status_code == 201}
    assert len(created) == 11
    for activity_id, answer in created.items():
        stored = (await client.get(f"/api/v1/activities/{activity_id}", headers=headers)).json()
        index = int(stored["title"].split()[-1])
        assert stored == answer | {"updated_at": stored["updated_at"], "created_at": stored["created_at"]}
        sent = bodies[index]["participants"]
        assert [p["learner_id"] for p in stored["participants"]] == [p["learner_id"] for p in sent]
    assert await Activity.count() == 11 and await ActivityParticipant.count() == 88
