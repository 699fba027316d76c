"""A site's upcoming workshops as an iCalendar feed: weekly series as rules, for the staff, public on request."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

from inclusion.storage.tables.activities import ActivityParticipant
from tests.support.clock import paris_today

PARIS = ZoneInfo("Europe/Paris")


def expand(body: bytes) -> set[tuple]:
    """Every occurrence the feed describes, as (start, end, title, place): rules expanded, EXDATEs removed,
    overrides applied."""
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    overrides = {(e["uid"], e["recurrence-id"].dt): e for e in events if "recurrence-id" in e}
    found = set()
    for event in (e for e in events if "recurrence-id" not in e):
        starts = [event.start]
        if "rrule" in event:
            starts = list(rrulestr(event["rrule"].to_ical().decode(), dtstart=event.start))
            lines = event.get("exdate", [])
            excluded = {day.dt for line in (lines if isinstance(lines, list) else [lines]) for day in line.dts}
            starts = [start for start in starts if start not in excluded]
        length = event.end - event.start if "dtend" in event else None
        for start in starts:
            if override := overrides.get((event["uid"], start)):
                end = override.end if "dtend" in override else None
                found.add((override.start, end, str(override["summary"]), str(override["location"])))
            else:
                found.add((start, start + length if length else None, str(event["summary"]), str(event["location"])))
    return found


async def test_feed_matches_the_upcoming_workshops(client, make):
    """The parsed feed, rules expanded, gives exactly the upcoming workshops; nothing past, no participant."""
    site = await make.site("Espace Carnot", address="12 rue Carnot", postal_code="62480", city="Le Portel")
    other = await make.site("Ailleurs")
    today = paris_today()
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 + 7)
    series = "a1b2c3d4e5f6a7b8"
    two = time(14, 0)
    planned = [  # (day, hour, minutes, title)
        (tuesday - timedelta(weeks=2), two, 90, "Smartphone"),  # past: left out
        (tuesday, two, 90, "Smartphone"),
        (tuesday + timedelta(weeks=1), two, 90, "Smartphone"),
        (tuesday + timedelta(weeks=3), time(15, 30), 60, "Smartphone (salle 2)"),  # week 2 deleted
        (tuesday + timedelta(weeks=4, days=1), two, 90, "Smartphone"),  # moved to Wednesday
        (tuesday + timedelta(weeks=5), two, 90, "Smartphone"),
    ]
    ids = [
        await make.activity(site, date=day, start_time=at, duration_minutes=minutes, title=title, series=series)
        for day, at, minutes, title in planned
    ]
    learner = await make.learner(site, "Zoé", "Confidentielle")
    await ActivityParticipant.insert(ActivityParticipant(activity=ids[1], learner=learner, present=True)).run()
    await make.activity(site, date=today, start_time=time(10, 0), duration_minutes=120, title="Café numérique")
    await make.activity(site, date=tuesday + timedelta(days=2), title="Journée portes ouvertes", place="a_distance")
    await make.activity(site, type="individuel", date=tuesday, start_time=time(9, 0), anonymous_count=0)
    await make.activity(other, date=tuesday, start_time=two, title="Ailleurs")
    headers = await make.bearer(await make.user("adviser", site))
    response = await client.get(f"/api/v1/sites/{site}/workshops.ics", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    here = "12 rue Carnot, 62480 Le Portel"
    expected = {
        (datetime.combine(day, at, PARIS), datetime.combine(day, at, PARIS) + timedelta(minutes=minutes), title, here)
        for day, at, minutes, title in planned[1:]
    }
    expected.add(
        (datetime.combine(today, time(10), PARIS), datetime.combine(today, time(12), PARIS), "Café numérique", here)
    )
    expected.add((tuesday + timedelta(days=2), None, "Journée portes ouvertes", "À distance"))
    assert expand(response.content) == expected
    text = response.content.decode()
    assert "RRULE:FREQ=WEEKLY;COUNT=6" in text and "EXDATE;TZID=Europe/Paris" in text and "RECURRENCE-ID" in text
    assert "BEGIN:VTIMEZONE" in text and "Zoé" not in text and "Confidentielle" not in text and "ATTENDEE" not in text


async def test_calendar_is_public_only_when_the_coordinator_opens_it(client, make):
    """Public only while a coordinator keeps it open (new link on demand); staff always, others 404/403/401."""
    site, other = await make.site("Mien"), await make.site("Autre")
    await make.activity(site, date=paris_today(), start_time=time(10, 0), title="Atelier courriel")
    coordinator = await make.bearer(await make.user("coordinator", site))
    assert (await client.get(f"/api/v1/sites/{site}", headers=coordinator)).json()["calendar_path"] is None
    adviser = await make.bearer(await make.user("adviser", site))
    refused = await client.patch(f"/api/v1/sites/{site}", json={"calendar_public": True}, headers=adviser)
    assert refused.status_code == 403
    opened = await client.patch(f"/api/v1/sites/{site}", json={"calendar_public": True}, headers=coordinator)
    path = opened.json()["calendar_path"]
    assert path.startswith("/calendars/") and len(path) > 50
    public = await client.get(path)
    assert public.status_code == 200 and "Atelier courriel" in public.text
    renewed = await client.patch(f"/api/v1/sites/{site}", json={"new_calendar_link": True}, headers=coordinator)
    new_path = renewed.json()["calendar_path"]
    assert new_path != path and (await client.get(path)).status_code == 404
    assert (await client.get(new_path)).status_code == 200
    await client.patch(f"/api/v1/sites/{site}", json={"calendar_public": False}, headers=coordinator)
    assert (await client.get(new_path)).status_code == 404
    reopened = await client.patch(f"/api/v1/sites/{site}", json={"calendar_public": True}, headers=coordinator)
    assert reopened.json()["calendar_path"] not in (path, new_path) and (await client.get(new_path)).status_code == 404
    feed = f"/api/v1/sites/{site}/workshops.ics"
    assert (await client.get(feed, headers=adviser)).status_code == 200
    assert (await client.get(feed, headers=await make.bearer(await make.user("adviser", other)))).status_code == 404
    assert (await client.get(feed, headers=await make.bearer(await make.user("funder", site)))).status_code == 403
    assert (await client.get(feed)).status_code == 401
