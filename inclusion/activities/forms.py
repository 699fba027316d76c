"""The activity form: one screen, works without JavaScript, remembers the adviser's last choices."""

from __future__ import annotations

from typing import Any

from inclusion import clock
from inclusion.learners.services import list_learners, names_of
from inclusion.scoping import Caller
from inclusion.storage.pagination import PageRequest
from inclusion.storage.tables.activities import Activity, ActivityTopic

PERSON_FIELDS = ("age_band", "gender", "social_status")
SCALARS = ("type", "date", "start_time", "duration_minutes", "place", "device", "note", "title", "level", "autonomy")


def activity_values(form: Any) -> dict[str, Any]:
    """Form fields shaped like ActivityCreate (empty optional fields left out or null)."""
    values: dict[str, Any] = {}
    for name in SCALARS:
        raw = str(form.get(name, "")).strip()
        if raw:
            values[name] = raw
        elif name in ("device", "level", "autonomy", "start_time"):
            values[name] = None
    values["digital_topics"] = form.getall("digital_topics", [])
    values["admin_topics"] = form.getall("admin_topics", [])
    absent = set(form.getall("absent", []))
    values["participants"] = [
        {"learner_id": int(learner), "present": learner not in absent}
        for learner in dict.fromkeys(form.getall("participant", []))
        if learner.isdigit()
    ]
    count = str(form.get("anonymous_count", "")).strip()
    values["anonymous_count"] = int(count) if count.isdigit() else (count or 0)
    learner = str(form.get("learner_id", "")).strip()
    values["learner_id"] = int(learner) if learner.isdigit() else None
    if values.get("type") == "individuel" and values["learner_id"] is None:
        values["anonymous_person"] = {
            name: str(form.get(f"person_{name}", "")) or "non_communique" for name in PERSON_FIELDS
        }
    if referral := str(form.get("referral_type", "")).strip():
        values["referral"] = {"type": referral, "name": str(form.get("referral_name", "")).strip()}
    if values.get("type") == "individuel":
        values.pop("title", None)
    return values


async def remembered(caller: Caller) -> dict[str, Any]:
    """The adviser's last activity: its duration, place, device and topics become the form's defaults."""
    last = (
        await Activity.select(Activity.id, Activity.duration_minutes, Activity.place, Activity.device)
        .where(Activity.adviser == caller.user_id)
        .order_by(Activity.id, ascending=False)
        .first()
        .run()
    )
    if last is None:
        return {
            "type": "collectif",
            "date": clock.today().isoformat(),
            "duration_minutes": 90,
            "place": "lieu_activite",
        }
    topics = await ActivityTopic.select(ActivityTopic.topic).where(ActivityTopic.activity == last["id"]).run()
    return {
        "type": "collectif",
        "date": clock.today().isoformat(),
        "duration_minutes": last["duration_minutes"],
        "place": last["place"],
        "device": last["device"],
        "last_topics": [row["topic"] for row in topics],
    }


async def participant_choices(caller: Caller, query: str, chosen: list[int]) -> list[dict[str, Any]]:
    """Learners matching the search, the already chosen ones first (with their names)."""
    names = await names_of(caller, chosen)
    choices = [{"id": i, "name": names[i], "chosen": True} for i in chosen if i in names]
    if query.strip():
        found = await list_learners(caller, PageRequest(per_page=20), query)
        fresh = [row for row in found.rows if row["id"] not in names]
        choices += [{"id": row["id"], "name": row["display_name"], "chosen": False} for row in fresh]
    return choices
