"""Fréquentation: per site and day, open or not and how many visitors, walk-ins included."""

from __future__ import annotations

from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count

from inclusion import clock
from inclusion.activities.schemas import SiteDayIn
from inclusion.errors import InvalidData
from inclusion.scoping import Caller, require_site
from inclusion.storage import db
from inclusion.storage.tables.activities import Activity, SiteDay


async def record_day(caller: Caller, site_id: int, day: date, data: SiteDayIn) -> dict[str, Any]:
    require_site(caller, site_id)
    if day > clock.today():
        raise InvalidData({"day": "La fréquentation se saisit le jour même ou après, pas à l'avance."})
    values = {"open": data.open, "visitors": data.visitors if data.open else 0, "note": data.note.strip()}
    async with db.write_transaction():
        updated = (
            await SiteDay.update(values).where(SiteDay.site == site_id, SiteDay.day == day).returning(SiteDay.id).run()
        )
        if not updated:
            await SiteDay.insert(SiteDay(site=site_id, day=day, **values)).run()
    return (await list_days(caller, site_id, day, day))[0]


async def list_days(caller: Caller, site_id: int, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Each day with a record or an activity; a day with an activity counts as open. Days still to come are left
    out: a workshop planned for next week has not opened the site yet."""
    require_site(caller, site_id)
    if date_from > date_to:
        raise InvalidData({"from": "La date de début doit précéder la date de fin."})
    date_to = min(date_to, clock.today())
    recorded = (
        await SiteDay.select().where(SiteDay.site == site_id, SiteDay.day >= date_from, SiteDay.day <= date_to).run()
    )
    busy = (
        await Activity.select(Activity.date, Count(Activity.id, alias="activities"))
        .where(Activity.site == site_id, Activity.date >= date_from, Activity.date <= date_to)
        .group_by(Activity.date)
        .run()
    )
    days: dict[date, dict[str, Any]] = {
        row["day"]: {"open": row["open"], "visitors": row["visitors"], "note": row["note"], "activities": 0}
        for row in recorded
    }
    for row in busy:
        day = days.setdefault(row["date"], {"open": True, "visitors": 0, "note": "", "activities": 0})
        day["activities"] = row["activities"]
        day["open"] = True
    return [{"site_id": site_id, "day": day, **values} for day, values in sorted(days.items())]
