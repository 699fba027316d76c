"""The service's sense of time. Stored instants are UTC; days are French days: the site's adviser records
"today" as Paris sees it, whatever zone the server runs in."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Paris")


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Paris (between 23:00 and midnight UTC in winter, Paris is already on the next day)."""
    return datetime.now(ZONE).date()
