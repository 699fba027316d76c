"""Recording an activity: the advisers' most frequent write, kept to a handful of plain statements.

One transaction reads the named learners (their names go in the answer; one that is not a live file of
the site refuses the activity before any write), then inserts the activity, its topics and its
participants in multi-row INSERTs, and moves the present learners' last-contact date. The requests
recording at the same time share that transaction: one statement on PostgreSQL (`recording_pg`), one plan
on SQLite (`recording_sqlite`). The answer is built from what was written, not read back.
"""

from __future__ import annotations

import secrets
from datetime import date, time
from typing import Any

import msgspec

from inclusion.activities import recording_pg, recording_sqlite
from inclusion.activities.rules import (
    Recording,
    learner_problems,
    named_learners,
    occurrence_dates,
    shape_problems,
    site_learners,
    with_devices,
)
from inclusion.activities.schemas import ActivityCreate
from inclusion.clock import now, today
from inclusion.errors import InvalidData
from inclusion.scoping import Caller, Role, site_for_new_record
from inclusion.storage import db, sql

PERSON_COLUMNS = {"age_band": "person_age_band", "gender": "person_gender", "social_status": "person_status"}
REFERRAL_COLUMNS = {"type": "referral_type", "name": "referral_name", "note": "referral_note"}
PLAIN_FIELDS = (
    *("type", "duration_minutes", "place", "note", "autonomy", "title", "level", "anonymous_count"),
    *("place_insee_code", "place_postal_code", "place_city", "referred", "procedure_name", "partner", "coop_id"),
)


def time_of_day(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


async def create_activities(caller: Caller, data: ActivityCreate) -> list[dict[str, Any]]:
    """Record the activity, or one per week for `repeat_weeks` weeks; return them shaped like ActivityOut."""
    values = with_devices(msgspec.to_builtins(data, builtin_types=(date,)))
    values["adviser_id"] = data.adviser_id or caller.user_id
    site_id = site_for_new_record(caller, data.site_id, "de l'activité")
    found = shape_problems(values, today(), data.repeat_weeks)
    if data.adviser_id not in (None, caller.user_id) and caller.role == Role.adviser:
        found["adviser_id"] = "Un conseiller enregistre ses propres activités."
    row = activity_columns(values) | {"site": site_id, "series": secrets.token_hex(8) if data.repeat_weeks > 1 else ""}
    row["start_time"] = time_of_day(data.start_time)
    row["created_at"] = row["updated_at"] = now()
    occurrences = [{**row, "date": day} for day in occurrence_dates(data.date, data.repeat_weeks)]
    names, ids = await _record(values, occurrences, found)
    adviser_name = caller.display_name if values["adviser_id"] == caller.user_id else await _name_of(row["adviser"])
    return [_shaped({**row, "id": i}, values, names, adviser_name) for row, i in zip(occurrences, ids, strict=True)]


async def _record(
    values: dict[str, Any], occurrences: list[dict[str, Any]], found: dict[str, str]
) -> tuple[dict[int, str], list[int]]:
    if found:  # the activity is refused anyway: report the learners' problems beside the others
        known = await site_learners(occurrences[0]["site"], named_learners(values))
        raise InvalidData(found | learner_problems(values, known))
    batched = recording_sqlite if db.is_sqlite() else recording_pg
    recording = Recording(values, occurrences)
    if db.current_engine().current_transaction.get() is not None:  # in it, alone
        outcome = (await batched.run([recording]))[0]
    else:  # with whatever else is being recorded in this process
        outcome = await batched.batcher.submit(recording)
    if isinstance(outcome, Exception):
        raise outcome  # InvalidData: a learner named is not a live file of the site
    return outcome


def activity_columns(values: dict[str, Any]) -> dict[str, Any]:
    """API fields → activity columns, for the fields present in `values` (a whole activity or a change):
    nested person and referral flattened, breakdown as JSON text."""
    row = {name: values[name] for name in PLAIN_FIELDS if name in values}
    if "adviser_id" in values:
        row["adviser"] = values["adviser_id"]
    if "learner_id" in values:
        row["learner"] = values["learner_id"]
    if "anonymous_person" in values:
        person = values["anonymous_person"] or {}
        row |= {column: person.get(field) for field, column in PERSON_COLUMNS.items()}
    if "referral" in values:
        referral = values["referral"] or {}
        row |= {column: referral.get(field, "") for field, column in REFERRAL_COLUMNS.items()}
        row["referral_type"] = referral.get("type")
    if "devices" in values:
        row["devices"] = msgspec.json.encode(values["devices"]).decode()
    if "anonymous_breakdown" in values:
        row["anonymous_breakdown"] = msgspec.json.encode(values["anonymous_breakdown"] or {}).decode()
    return row


async def _name_of(user_id: int) -> str:
    rows = await sql.fetch("SELECT display_name FROM app_user WHERE id = {}", user_id)
    return rows[0]["display_name"] if rows else ""


def _shaped(activity: dict[str, Any], values: dict[str, Any], names: dict[int, str], adviser: str) -> dict[str, Any]:
    start = activity["start_time"]
    return {
        **{name: values[name] for name in PLAIN_FIELDS},
        "id": activity["id"],
        "site_id": activity["site"],
        "date": activity["date"],
        "start_time": start.strftime("%H:%M") if start else None,
        "digital_topics": values["digital_topics"],
        "devices": values["devices"],
        "device": values["devices"][0] if values["devices"] else None,
        "admin_topics": values["admin_topics"],
        "adviser_id": values["adviser_id"],
        "adviser_name": adviser,
        "learner_id": values["learner_id"],
        "learner_name": names.get(values["learner_id"]) if values["learner_id"] is not None else None,
        "anonymous_person": values["anonymous_person"],
        "referral": values["referral"],
        "participants": [
            {"learner_id": p["learner_id"], "present": p["present"], "display_name": names[p["learner_id"]]}
            for p in values["participants"]
        ],
        "anonymous_breakdown": values["anonymous_breakdown"] or None,
        "series": activity["series"],
        "created_at": activity["created_at"],
        "updated_at": activity["updated_at"],
    }
