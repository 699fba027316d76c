"""The day the pages and PDFs show for "now": they display Paris time, whatever the machine's time zone (between
23:00 and midnight UTC in winter, Paris is already on the next day)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo


def paris_today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()
