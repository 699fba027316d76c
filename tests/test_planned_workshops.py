"""Workshops planned ahead: accepted up to a year ahead without participants yet, in the site's calendar feed, and
nobody's outcome before they happen: no last contact, no report figure, no Pass paid, no opinion asked."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar

from inclusion import clock
from inclusion.storage.tables.learners import Learner


async def site_and_adviser(make):
    site = await make.site("Espace Carnot")
    return site, await make.bearer(await make.user("adviser", site))


def planned(first: date, weeks: int = 1, participants: list[int] | None = None) -> dict:
    return {
        "type": "collectif",
        "date": first.isoformat(),
        "start_time": "14:00",
        "duration_minutes": 90,
        "title": "Premiers pas sur la tablette",
        "digital_topics": ["prendre_en_main_du_materiel"],
        "participants": [{"learner_id": learner} for learner in participants or []],
        "repeat_weeks": weeks,
    }


async def test_a_series_planned_ahead_is_in_the_calendar_without_participants(client, make):
    """Four weekly workshops from next week, no one registered yet: 201, and the feed holds one weekly rule."""
    site, headers = await site_and_adviser(make)
    first = clock.today() + timedelta(days=7)
    created = await client.post("/api/v1/activities", json=planned(first, weeks=4), headers=headers)
    assert created.status_code == 201, created.text
    assert [item["date"] for item in created.json()] == [str(first + timedelta(weeks=n)) for n in range(4)]
    feed = await client.get(f"/api/v1/sites/{site}/workshops.ics", headers=headers)
    events = [c for c in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")]
    assert len(events) == 1 and events[0]["RRULE"]["FREQ"] == ["WEEKLY"] and events[0]["RRULE"]["COUNT"] == [4]
    assert events[0]["SUMMARY"] == "Premiers pas sur la tablette"
    session = planned(first) | {"type": "individuel", "title": "", "participants": []}
    session |= {"learner_id": await make.learner(site)}
    refused = await client.post("/api/v1/activities", json=session, headers=headers)
    assert refused.status_code == 422 and refused.json()["details"][0]["field"] == "date"


async def test_a_planned_workshop_is_nobodys_outcome_before_it_happens(client, make):
    """Registered learners keep their last contact; the report asked up to next month and the Coop export count
    nothing planned, while the activity list shows it; its people cannot be asked for their opinion yet."""
    site, headers = await site_and_adviser(make)
    learner = await make.learner(site)
    before = (await Learner.select(Learner.last_contact_on).where(Learner.id == learner).first())["last_contact_on"]
    tomorrow = clock.today() + timedelta(days=1)
    created = await client.post("/api/v1/activities", json=planned(tomorrow, participants=[learner]), headers=headers)
    assert created.status_code == 201, created.text
    workshop = created.json()[0]["id"]
    after = (await Learner.select(Learner.last_contact_on).where(Learner.id == learner).first())["last_contact_on"]
    assert after == before
    coordinator = await make.bearer(await make.user("coordinator", site))
    report = await client.get(
        "/api/v1/reports/outcomes",
        params={"site": site, "from": str(clock.today() - timedelta(days=30)), "to": str(tomorrow + timedelta(30))},
        headers=coordinator,
    )
    assert report.status_code == 200, report.text
    assert report.json()["date_to"] == str(clock.today())
    activity = next(table for table in report.json()["tables"] if table["key"] == "activity")
    assert [cell["value"] for cell in activity["rows"][0]["cells"]] == [0, 0]  # the site and the whole
    future = await client.get(
        "/api/v1/reports/outcomes", params={"site": site, "from": str(tomorrow)}, headers=coordinator
    )
    assert future.status_code == 422 and future.json()["details"][0]["field"] == "from"
    coop = await client.get(
        "/api/v1/activities.coop.csv", params={"date_to": str(tomorrow + timedelta(30))}, headers=headers
    )
    assert coop.status_code == 200 and "Premiers pas sur la tablette" not in coop.text
    listed = await client.get("/api/v1/activities", params={"date_from": str(tomorrow)}, headers=headers)
    assert [item["id"] for item in listed.json()["items"]] == [workshop]  # the list shows what is planned
    asked = await client.post(f"/api/v1/activities/{workshop}/feedback/key", headers=headers)
    assert asked.status_code == 409 and "pas encore eu lieu" in asked.json()["message"]


async def test_a_pass_cannot_pay_for_a_planned_workshop(client, make):
    """Redeeming a Pass for a workshop that has not taken place yet answers 409 and changes nothing."""
    from inclusion.storage.tables.activities import Activity
    from tests.test_vouchers_api import snapshot, world

    w = await world(make)
    tomorrow = clock.today() + timedelta(days=1)
    await Activity.update({Activity.date: tomorrow}).where(Activity.id == w["activity"])
    before = await snapshot(w["voucher"]["id"])
    response = await client.post(
        "/api/v1/vouchers/PN-000101/redeem", json={"activity_id": w["activity"]}, headers=w["headers"]
    )
    assert response.status_code == 409
    assert response.json()["message"] == (
        f"L'atelier du {tomorrow:%d/%m/%Y} n'a pas encore eu lieu : un Pass paie une activité une fois faite."
    )
    assert await snapshot(w["voucher"]["id"]) == before
