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


def seconds_until(hour: int, minute: int, at: datetime | None = None) -> float:
    """Seconds from `at` (now) until the next hour:minute in the service's zone: a daily job runs then."""
    local = (at or now()).astimezone(_zone)
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= local:
        target = (local + timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return (target.astimezone(UTC) - local.astimezone(UTC)).total_seconds()
