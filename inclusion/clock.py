"""The service's sense of time. Stored instants are UTC; days are the service's days: an adviser records "today"
as the service's time zone sees it (INCLUSION_TIME_ZONE, Europe/Paris unless told), whatever zone the server
runs in. `create_app` and the command line set it from the settings."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Europe/Paris"
_zone = ZoneInfo(DEFAULT_ZONE)


def use_zone(name: str) -> None:
    """The service's time zone from now on (an IANA name the settings checked)."""
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the service's zone (in Paris, between 23:00 and midnight UTC in winter, already tomorrow)."""
    return datetime.now(_zone).date()


def day_of(instant: datetime) -> date:
    """The service's day of a stored instant: revoked at 23:30 UTC on 4 December is 5 December in Paris."""
    return instant.astimezone(_zone).date()


def seconds_until(hour: int, minute: int, at: datetime | None = None) -> float:
    """Seconds from `at` (now) until the next hour:minute in the service's zone: a daily job runs then."""
    local = (at or now()).astimezone(_zone)
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= local:
        target = (local + timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return (target.astimezone(UTC) - local.astimezone(UTC)).total_seconds()


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def weekday_name(day: date) -> str:
    """ "mardi": French, whatever the server's locale."""
    return WEEKDAYS[day.weekday()]


def short_day(day: date) -> str:
    """ "mar. 10 déc.": a day in a list of this year's days."""
    return f"{WEEKDAYS[day.weekday()][:3]}. {day.day} {SHORT_MONTHS[day.month - 1]}"


def long_day(day: date) -> str:
    """ "mardi 10 décembre 2026"; the first of the month reads "1er"."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def month_name(day: date) -> str:
    """ "décembre 2026"."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def monday_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())
