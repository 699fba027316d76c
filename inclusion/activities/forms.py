"""The two activity forms (workshop, individual session): form fields → API fields, and what a form shows.

Nothing comes silently from a previous activity: the date is today, shown; everything else is empty until
the adviser chooses it, or asks to take up their last workshop (`last_workshop`), which the form then shows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from inclusion import clock
from inclusion import vocabulary as v
from inclusion.activities.rules import occurrence_dates, site_learners
from inclusion.learners.search import search_learners
from inclusion.learners.services import names_of
from inclusion.scoping import Caller
from inclusion.storage.tables.activities import Activity

DURATIONS = {30: "30 min", 45: "45 min", 60: "1 h", 90: "1 h 30", 120: "2 h"}
NO_DURATION = "Choisissez la durée : touchez l'une des durées proposées, ou saisissez-la en minutes."
NO_LEARNER = "Choisissez l'apprenant (tapez quelques lettres de son nom), ou cochez « Personne sans fiche »."
PERSON_FIELDS = ("age_band", "gender", "social_status")
SCALARS = (
    "date",
    "start_time",
    "place",
    "note",
    "procedure_name",
    "place_insee_code",
    "place_postal_code",
    "place_city",
)
OWN_SCALARS = {"collectif": ("title", "level"), "individuel": ("autonomy", "partner")}
NULLABLE = ("level", "autonomy", "start_time", "partner")
CLEARED = ("procedure_name", "place_insee_code", "place_postal_code", "place_city")  # emptied when left empty
LABELS = {
    "types": v.ACTIVITY_TYPE_LABELS,
    "digital_topics": v.DIGITAL_TOPIC_LABELS,
    "admin_topics": v.ADMIN_TOPIC_LABELS,
    "places": v.PLACE_LABELS,
    "devices": v.DEVICE_LABELS,
    "autonomies": v.AUTONOMY_LABELS,
    "levels": v.LEVEL_LABELS,
    "referrals": v.REFERRAL_LABELS,
    "partners": v.PARTNER_LABELS,
    "age_bands": v.AGE_BAND_LABELS,
    "genders": v.GENDER_LABELS,
    "statuses": v.SOCIAL_STATUS_LABELS,
}
CALENDAR = {"days": [name[:3] + "." for name in clock.WEEKDAYS], "months": list(clock.SHORT_MONTHS)}


def _text(form: Any, name: str) -> str:
    return str(form.get(name, "")).strip()


def _whole(text: str) -> int | str:
    """A whole number typed in a field; anything else is left as typed, for the validation message."""
    return int(text) if text.isdigit() and len(text) < 10 else text


def activity_values(form: Any, kind: str) -> dict[str, Any]:
    """The fields of one form, shaped like ActivityCreate for `kind` (empty optional fields null or left out)."""
    values: dict[str, Any] = {"type": kind}
    for name in SCALARS + OWN_SCALARS[kind]:
        if raw := _text(form, name):
            values[name] = raw
        elif name in NULLABLE:
            values[name] = None
        elif name in CLEARED:
            values[name] = ""
    values["duration_minutes"] = _whole(_text(form, "duration_other") or _text(form, "duration_minutes") or "0")
    values["digital_topics"] = form.getall("digital_topics", [])
    values["admin_topics"] = form.getall("admin_topics", [])
    values["devices"] = form.getall("devices", [])
    if values.get("place", "lieu_activite") == "lieu_activite":  # the commune fields are hidden: what they held goes
        values |= {name: "" for name in ("place_insee_code", "place_postal_code", "place_city")}
    removed = set(form.getall("remove", []))
    if kind == "collectif":
        absent = set(form.getall("absent", []))
        values["participants"] = [
            {"learner_id": int(learner), "present": learner not in absent}
            for learner in dict.fromkeys(form.getall("participant", []))
            if learner.isdigit() and learner not in removed
        ]
        values["anonymous_count"] = _whole(_text(form, "anonymous_count") or "0")
        if form.get("repeat") == "on":
            values["repeat_weeks"] = _whole(_text(form, "repeat_weeks") or "1")
        return values
    learner = _text(form, "learner_id")
    values["learner_id"] = int(learner) if learner.isdigit() and learner not in removed else None
    values["anonymous_person"] = None
    if values["learner_id"] is None and form.get("anonymous") == "on":
        values["anonymous_person"] = {name: _text(form, f"person_{name}") or "non_communique" for name in PERSON_FIELDS}
    values["referral"] = None
    values["referred"] = None
    if referral := _text(form, "referral_type"):
        values["referral"] = {"type": referral, "name": _text(form, "referral_name")}
        values["referred"] = True
    return values


def form_problems(form: Any, values: dict[str, Any], found: dict[str, str]) -> dict[str, str]:
    """The service's messages, said the way the form asks (a duration to touch, a learner to pick)."""
    found = dict(found)
    if not _text(form, "duration_other") and not _text(form, "duration_minutes"):
        found["duration_minutes"] = NO_DURATION
    if "learner_id" in found and values.get("learner_id") is None and values.get("anonymous_person") is None:
        found["learner_id"] = NO_LEARNER
    return found


async def last_workshop(caller: Caller) -> dict[str, Any] | None:
    """This adviser's latest workshop (never a session): id, title and date, or None."""
    return (
        await Activity.select(Activity.id, Activity.title, Activity.date)
        .where(Activity.adviser == caller.user_id, Activity.type == "collectif")
        .order_by(Activity.date, Activity.id, ascending=False)
        .first()
        .run()
    )


async def taken_up(workshop: dict[str, Any]) -> dict[str, Any]:
    """What "Reprendre le dernier atelier" fills: title, level, topics and participants (all present, those whose
    file is still live)."""
    live = await site_learners(workshop["site_id"], [p["learner_id"] for p in workshop["participants"]])
    return {
        "type": "collectif",
        "date": clock.today().isoformat(),
        "title": workshop["title"],
        "level": workshop["level"],
        "digital_topics": workshop["digital_topics"],
        "admin_topics": workshop["admin_topics"],
        "participants": [
            {"learner_id": i, "present": True} for i in (p["learner_id"] for p in workshop["participants"]) if i in live
        ],
    }


async def picker_state(caller: Caller, values: dict[str, Any], query: str, searched: bool) -> dict[str, Any]:
    """What the learner picker shows: the chosen learners with their names, and (without JavaScript, after
    "Chercher") the files matching the text typed."""
    if values["type"] == "collectif":
        chosen_ids = [p["learner_id"] for p in values.get("participants") or []]
        absent = {p["learner_id"] for p in values.get("participants") or [] if not p["present"]}
    else:
        chosen_ids = [values["learner_id"]] if values.get("learner_id") is not None else []
        absent = set()
    names = await names_of(caller, chosen_ids)
    chosen = [{"id": i, "name": names[i], "present": i not in absent} for i in chosen_ids if i in names]
    found = await search_learners(caller, query, 20, set(chosen_ids)) if searched and query.strip() else []
    return {"chosen": chosen, "found": found, "query": query}


def days_sentence(days: list[date]) -> str:
    """ "mar. 8 déc., mar. 15 déc." with one full stop at the end (short days already end with one)."""
    text = ", ".join(clock.short_day(day) for day in days)
    return text if text.endswith(".") else text + "."


ERROR_ORDER = (
    *("title", "learner_q", "learner_id", "date", "duration_minutes"),
    *("participants", "participant_q", "anonymous_count", "digital_topics", "autonomy", "admin_topics"),
    *("procedure_name", "partner", "referred", "place_postal_code", "place_city", "place_insee_code", "devices"),
)


def in_form_order(errors: dict[str, str]) -> dict[str, str]:
    """The messages in the order of their fields on the page, for the summary at its top."""
    rank = {name: index for index, name in enumerate(ERROR_ORDER)}
    return dict(sorted(errors.items(), key=lambda item: rank.get(item[0].split("[")[0], len(rank))))


def occurrences(values: dict[str, Any]) -> list[Any]:
    """The dates a weekly series would have, as the form lists them before saving (empty when not repeated)."""
    weeks, first = values.get("repeat_weeks"), values.get("date")
    if not isinstance(weeks, int) or not 1 < weeks <= 52 or not first:
        return []
    try:
        return occurrence_dates(date.fromisoformat(str(first)), weeks)
    except ValueError:
        return []
