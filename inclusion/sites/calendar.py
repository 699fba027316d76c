"""A site's upcoming workshops as an iCalendar feed: titles, times (Europe/Paris) and the place; never a participant
nor a note. A weekly series (activities sharing `series`) is one event with a weekly rule from its first week still
to come: a week deleted becomes an EXDATE, a week whose time, length or title changed an override (RECURRENCE-ID),
and a week moved off the weekly rhythm an event of its own."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from inclusion import clock
from inclusion.errors import NotFound
from inclusion.storage.tables.activities import Activity
from inclusion.storage.tables.sites import Site

PARIS = ZoneInfo("Europe/Paris")  # the standard's and the advisers' time zone, whatever the server's
NOT_FOUND = "Agenda introuvable."


async def public_site(token: str) -> dict[str, Any]:
    """The site whose public calendar this token opens; NotFound when none, or when its calendar is closed."""
    if not 20 <= len(token) <= 64:
        raise NotFound(NOT_FOUND)
    site = await Site.select(Site.id).where(Site.calendar_token == token, Site.calendar_public.eq(True)).first().run()
    if site is None:
        raise NotFound(NOT_FOUND)
    return site


async def upcoming_workshops(site_id: int, today: date) -> list[dict[str, Any]]:
    return (
        await Activity.select(
            Activity.id,
            Activity.date,
            Activity.start_time,
            Activity.duration_minutes,
            Activity.title,
            Activity.series,
            Activity.place,
        )  # fmt: skip
        .where(Activity.site == site_id, Activity.type == "collectif", Activity.date >= today)
        .order_by(Activity.date)
        .order_by(Activity.start_time)
        .order_by(Activity.id)
        .run()
    )


async def site_feed(site_id: int, host: str) -> bytes:
    site = await Site.select().where(Site.id == site_id).first().run()
    workshops = await upcoming_workshops(site_id, clock.today())
    return feed(site, workshops, host, clock.now())


def feed(site: dict[str, Any], workshops: list[dict[str, Any]], host: str, stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//inclusion//Ateliers//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Ateliers – {site['name']}")
    calendar.add("x-wr-timezone", "Europe/Paris")
    town = f"{site['postal_code']} {site['city']}".strip()
    location = ", ".join(part for part in (site["address"], site["address_complement"], town) if part)
    series: dict[str, list[dict[str, Any]]] = {}
    for workshop in workshops:
        series.setdefault(workshop["series"] or f"atelier-{workshop['id']}", []).append(workshop)
    for key, weeks in series.items():
        for event in _events(key, weeks, host, location or site["name"]):
            event.add("dtstamp", stamp)
            calendar.add_component(event)
    if workshops:
        year = timedelta(days=366)  # VTIMEZONE: the transitions around the workshops only
        calendar.add_missing_timezones(workshops[0]["date"] - year, workshops[-1]["date"] + year)
    return calendar.to_ical()


def _start(day: date, at: time | None) -> date | datetime:
    return datetime.combine(day, at, PARIS) if at is not None else day


def _event(uid: str, workshop: dict[str, Any], location: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", workshop["title"] or "Atelier collectif")
    start = _start(workshop["date"], workshop["start_time"])
    event.add("dtstart", start)
    if isinstance(start, datetime):
        event.add("dtend", start + timedelta(minutes=workshop["duration_minutes"]))
    event.add("location", "À distance" if workshop["place"] == "a_distance" else location)
    return event


def _same(one: dict[str, Any], other: dict[str, Any]) -> bool:
    keys = ("start_time", "duration_minutes", "title", "place")
    return all(one[key] == other[key] for key in keys)


def _events(key: str, weeks: list[dict[str, Any]], host: str, location: str) -> list[Event]:
    uid = f"{key}@{host}"
    master = weeks[0]
    last = weeks[-1]["date"]
    slots = [master["date"] + timedelta(weeks=n) for n in range((last - master["date"]).days // 7 + 1)]
    on_slot: dict[date, dict[str, Any]] = {}
    apart: list[dict[str, Any]] = []
    for workshop in weeks:
        if workshop["date"] in slots and workshop["date"] not in on_slot:
            on_slot[workshop["date"]] = workshop
        else:
            apart.append(workshop)
    while slots[-1] not in on_slot:  # a rule ends on a week that happens
        slots.pop()
    if len(slots) == 1:
        return [_event(uid, master, location)] + [_event(_uid(w, host), w, location) for w in apart]
    event = _event(uid, master, location)
    event.add("rrule", {"freq": "weekly", "count": len(slots)})
    if skipped := [_start(day, master["start_time"]) for day in slots if day not in on_slot]:
        event.add("exdate", skipped)
    events = [event]
    for day, workshop in on_slot.items():
        if not _same(workshop, master):
            override = _event(uid, workshop, location)
            override.add("recurrence-id", _start(day, master["start_time"]))
            events.append(override)
    return events + [_event(_uid(workshop, host), workshop, location) for workshop in apart]


def _uid(workshop: dict[str, Any], host: str) -> str:
    return f"atelier-{workshop['id']}@{host}"
