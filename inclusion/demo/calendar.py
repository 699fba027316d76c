"""The demo's calendar: French public holidays, opening days, local instants, and short-lived ids."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from inclusion import clock


def easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian computus: Meeus, Jones, Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def holidays(year: int) -> dict[date, str]:
    """The public holidays of mainland France, with the name a closed-day note gives them."""
    sunday = easter(year)
    fixed = {
        (1, 1): "Jour de l'an",
        (5, 1): "Fête du travail",
        (5, 8): "Victoire 1945",
        (7, 14): "Fête nationale",
        (8, 15): "Assomption",
        (11, 1): "Toussaint",
        (11, 11): "Armistice",
        (12, 25): "Noël",
    }
    days = {date(year, month, day): name for (month, day), name in fixed.items()}
    days[sunday + timedelta(days=1)] = "Lundi de Pâques"
    days[sunday + timedelta(days=39)] = "Ascension"
    days[sunday + timedelta(days=50)] = "Lundi de Pentecôte"
    return days


def holiday(day: date) -> str:
    return holidays(day.year).get(day, "")


def is_open(day: date, weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)) -> bool:
    """A day the site welcomes people: one of its weekdays (Monday = 0) and not a public holiday."""
    return day.weekday() in weekdays and not holiday(day)


def open_on_or_before(day: date, weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)) -> date:
    while not is_open(day, weekdays):
        day -= timedelta(days=1)
    return day


def open_days(first: date, last: date, weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)) -> list[date]:
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if is_open(first + timedelta(days=n), weekdays)
    ]


def local(day: date, at: time, until: datetime | None = None) -> datetime:
    """The UTC instant of a local time of day in the service's zone, never after `until` (now)."""
    instant = datetime.combine(day, at, clock.zone()).astimezone(UTC)
    return min(instant, until) if until else instant


def token(rng: random.Random) -> str:
    """A series id like the recording service's (16 hex digits), drawn from the demo's seeded random."""
    return f"{rng.getrandbits(64):016x}"
