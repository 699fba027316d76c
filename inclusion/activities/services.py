"""Activities: validated, site-scoped writes that move learners' last-contact dates; filtered reads."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from piccolo.columns.combination import WhereRaw

from inclusion import clock
from inclusion.activities import recording
from inclusion.activities.rules import (
    COMMUNE_FIELDS,
    learner_problems,
    named_learners,
    present_learners,
    shape_problems,
    site_learners,
    with_devices,
)
from inclusion.activities.schemas import ActivityCreate, ActivityPatch
from inclusion.clock import now
from inclusion.errors import InvalidData
from inclusion.learners.names import display_name
from inclusion.learners.services import record_contact
from inclusion.scoping import Caller, one_in_scope, site_filter
from inclusion.storage import db
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.activities import Activity, ActivityParticipant, ActivityTopic

COLUMNS = (
    *Activity._meta.columns,
    Activity.adviser.display_name.as_alias("adviser_name"),
    Activity.learner.first_name.as_alias("first_name"),  # an individual session's learner
    Activity.learner.last_name.as_alias("last_name"),
    Activity.learner.pseudonym.as_alias("pseudonym"),
    Activity.learner.anonymised_at.as_alias("anonymised_at"),
)


async def _write_links(activity_id: int, values: dict[str, Any]) -> None:
    """Replace the activity's topics and participants given in `values`."""
    if "digital_topics" in values or "admin_topics" in values:
        await ActivityTopic.delete().where(ActivityTopic.activity == activity_id).run()
        topics = [
            ActivityTopic(activity=activity_id, kind="digital", topic=t) for t in values.get("digital_topics", [])
        ]
        topics += [ActivityTopic(activity=activity_id, kind="admin", topic=t) for t in values.get("admin_topics", [])]
        if topics:
            await ActivityTopic.insert(*topics).run()
    if "participants" in values:
        await ActivityParticipant.delete().where(ActivityParticipant.activity == activity_id).run()
        if values["participants"]:
            await ActivityParticipant.insert(
                *[
                    ActivityParticipant(activity=activity_id, learner=p["learner_id"], present=p["present"])
                    for p in values["participants"]
                ]
            ).run()


async def _fetch_row(caller: Caller, activity_id: int) -> dict[str, Any]:
    query = Activity.select(*COLUMNS).where(Activity.id == activity_id)
    return await one_in_scope(query, caller, Activity.site, "Activité introuvable.")


async def get_activity(caller: Caller, activity_id: int) -> dict[str, Any]:
    return (await with_links([await _fetch_row(caller, activity_id)]))[0]


async def with_links(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add topics and participants (two queries for the whole page), and shape rows like ActivityOut."""
    ids = [row["id"] for row in rows] or [0]
    topics = await ActivityTopic.select().where(ActivityTopic.activity.is_in(ids)).order_by(ActivityTopic.id).run()
    participants = (
        await ActivityParticipant.select(
            ActivityParticipant.activity,
            ActivityParticipant.learner,
            ActivityParticipant.present,
            ActivityParticipant.learner.first_name.as_alias("first_name"),
            ActivityParticipant.learner.last_name.as_alias("last_name"),
            ActivityParticipant.learner.pseudonym.as_alias("pseudonym"),
            ActivityParticipant.learner.anonymised_at.as_alias("anonymised_at"),
        )
        .where(ActivityParticipant.activity.is_in(ids))
        .order_by(ActivityParticipant.id)
        .run()
    )
    for row in rows:
        row["digital_topics"] = [t["topic"] for t in topics if t["activity"] == row["id"] and t["kind"] == "digital"]
        row["admin_topics"] = [t["topic"] for t in topics if t["activity"] == row["id"] and t["kind"] == "admin"]
        row["participants"] = [
            {"learner_id": p["learner"], "present": p["present"], "display_name": _participant_name(p)}
            for p in participants
            if p["activity"] == row["id"]
        ]
        row |= {"site_id": row["site"], "adviser_id": row["adviser"], "learner_id": row["learner"]}
        row["learner_name"] = _participant_name(row) if row["learner"] is not None else None
        row["adviser_name"] = row["adviser_name"] or ""
        row["start_time"] = row["start_time"].strftime("%H:%M") if row["start_time"] else None
        person = {field: row[column] for field, column in recording.PERSON_COLUMNS.items()}
        row["anonymous_person"] = person if row["person_age_band"] else None
        referral = {field: row[column] for field, column in recording.REFERRAL_COLUMNS.items()}
        row["referral"] = referral if row["referral_type"] else None
        row["anonymous_breakdown"] = row["anonymous_breakdown"] or None
        devices = row["devices"]
        row["devices"] = msgspec.json.decode(devices) if isinstance(devices, str) else devices or []
        row["device"] = row["devices"][0] if row["devices"] else None
    return rows


def _participant_name(row: dict[str, Any]) -> str:
    return display_name(row["first_name"], row["last_name"], row["pseudonym"], row["anonymised_at"] is not None)


LEARNER_ACTIVITIES = (
    "activity.id IN (SELECT id FROM activity WHERE learner = {} "
    "UNION ALL SELECT activity FROM activity_participant WHERE learner = {})"
)
"""A learner's sessions and workshops: two index lookups (an OR across the two would read every activity)."""


def activity_clauses(caller: Caller, filters: dict[str, Any]) -> list[Any]:
    """The WHERE clauses for the caller's scope and the list filters (shared by the list and the exports)."""
    clauses: list[Any] = [clause for clause in [site_filter(caller, Activity.site)] if clause is not None]
    if filters.get("site") is not None:
        clauses.append(Activity.site == filters["site"])
    if filters.get("date_from"):
        clauses.append(Activity.date >= filters["date_from"])
    if filters.get("date_to"):
        clauses.append(Activity.date <= filters["date_to"])
    if filters.get("type"):
        clauses.append(Activity.type == filters["type"])
    if filters.get("adviser") is not None:
        clauses.append(Activity.adviser == filters["adviser"])
    if filters.get("topic"):
        tagged = ActivityTopic.select(ActivityTopic.activity).where(ActivityTopic.topic == filters["topic"])
        clauses.append(Activity.id.is_in(tagged))
    if (learner := filters.get("learner")) is not None:
        clauses.append(WhereRaw(LEARNER_ACTIVITIES, learner, learner))
    return clauses


async def list_activities(caller: Caller, page: PageRequest, filters: dict[str, Any]) -> PageResult:
    clauses = activity_clauses(caller, filters)
    result = await fetch_page(Activity, COLUMNS, clauses, [Activity.date, Activity.start_time, Activity.id], page, True)
    return PageResult(await with_links(result.rows), result.total, result.page, result.per_page)


async def update_activity(caller: Caller, activity_id: int, patch: ActivityPatch) -> dict[str, Any]:
    current = await get_activity(caller, activity_id)
    changes = with_devices(msgspec.to_builtins(patch, builtin_types=(date,)))
    if changes.get("place") == "lieu_activite":  # the site: no commune of its own, as La Coop
        changes = {name: "" for name in COMMUNE_FIELDS} | changes
    if changes.get("referral") is None and "referral" in changes and "referred" not in changes:
        changes["referred"] = None
    if "date" in changes:
        changes["date"] = patch.date
    if "start_time" in changes:
        changes["start_time"] = recording.time_of_day(changes["start_time"])
    merged = {**current, **changes}
    names = await site_learners(current["site"], named_learners(changes))
    found = shape_problems(merged, clock.today()) | learner_problems(changes, names)
    if found:
        raise InvalidData(found)
    async with db.write_transaction():
        columns = recording.activity_columns(changes)
        columns |= {name: changes[name] for name in ("date", "start_time") if name in changes}
        if columns:
            await Activity.update({**columns, "updated_at": now()}).where(Activity.id == activity_id).run()
        await _write_links(activity_id, changes)
        if merged["date"] <= clock.today():  # a planned workshop is nobody's contact yet
            await record_contact(present_learners(merged), merged["date"])
    return await get_activity(caller, activity_id)


async def delete_activity(caller: Caller, activity_id: int) -> None:
    await _fetch_row(caller, activity_id)
    async with db.write_transaction():
        await ActivityTopic.delete().where(ActivityTopic.activity == activity_id).run()
        await ActivityParticipant.delete().where(ActivityParticipant.activity == activity_id).run()
        await Activity.delete().where(Activity.id == activity_id).run()


async def duplicate_activity(caller: Caller, activity_id: int, on: date | None) -> dict[str, Any]:
    """A copy of the activity (topics, participants, counts) on another date, today by default."""
    source = await get_activity(caller, activity_id)
    fields = set(ActivityCreate.__struct_fields__) - {"repeat_weeks", "site_id", "device", "coop_id"}
    values = {name: source[name] for name in fields if name in source}
    values |= {"date": on or clock.today(), "site_id": source["site_id"]}
    values["participants"] = [{"learner_id": p["learner_id"], "present": p["present"]} for p in source["participants"]]
    data = msgspec.convert(values, ActivityCreate, strict=False)
    return (await recording.create_activities(caller, data))[0]
