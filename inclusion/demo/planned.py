"""The workshops a site has planned for the coming weeks: a weekly cycle, no participant yet (they register and
are added once it has taken place), so the site's calendar feed and the home page's week show what is coming."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from inclusion.activities.rules import occurrence_dates
from inclusion.demo.calendar import holiday, token
from inclusion.storage.tables.activities import Activity, ActivityTopic

CYCLE = ("Tablette : les premiers pas", "prendre_en_main_du_materiel", 4)


async def seed_planned(site_id: int, adviser_id: int | None, today: date) -> int:
    """A 4-week cycle on Tuesdays at 14:00, from next Tuesday (a public holiday skipped); returns how many."""
    title, topic, weeks = CYCLE
    first = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    days = [day for day in occurrence_dates(first, weeks) if not holiday(day)]
    series = token(random.Random(f"planned:{site_id}:{first}"))
    for day in days:
        activity = Activity(
            site=site_id,
            type="collectif",
            date=day,
            start_time=time(14, 0),
            duration_minutes=90,
            adviser=adviser_id,
            title=title,
            level="debutant",
            series=series,
        )
        await activity.save().run()
        await ActivityTopic.insert(ActivityTopic(activity=activity.id, kind="digital", topic=topic)).run()
    return len(days)
