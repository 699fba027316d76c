"""The day the pages and PDFs show for "now": they display Paris time, whatever the machine's time zone (between
23:00 and midnight UTC in winter, Paris is already on the next day)."""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo


def paris_today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


@contextmanager
def server_zone(name: str) -> Iterator[None]:
    """Run the app as if the machine's local time zone were `name` (the process's TZ, restored after)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
