"""Writing a site's planned activities (with their topics and participants) and its recent attendance days."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, time, timedelta

import msgspec

from inclusion.clock import now
from inclusion.demo.agenda import PlannedActivity
from inclusion.demo.calendar import holiday, local
from inclusion.demo.learners import PlannedLearner, insert_rows
from inclusion.storage.tables.activities import Activity

ATTENDANCE_WEEKS = 13  # the site has counted its visitors for a quarter


def last_contacts(learners: list[PlannedLearner], planned: list[PlannedActivity]) -> None:
    """Each learner's last contact: their latest assessment, session or workshop they attended."""
    latest: dict[str, date] = {}
    for activity in planned:
        present = [key for key, here in activity.participants if here]
        for key in present + ([activity.learner] if activity.learner else []):
            latest[key] = max(latest.get(key, activity.day), activity.day)
    for learner in learners:
        key = learner.values["name_key"]
        learner.values["last_contact_on"] = max(learner.values["last_contact_on"], latest.get(key, date.min))


def _breakdown(people: list[dict[str, str]]) -> str:
    if not people:
        return "{}"
    names = ("age_band", "gender", "social_status")
    counts = {name: dict(Counter(person[name] for person in people)) for name in names}
    return msgspec.json.encode(counts).decode()


def _ends(activity: PlannedActivity) -> time:
    minutes = activity.start.hour * 60 + activity.start.minute + activity.minutes
    return time(min(23, minutes // 60), minutes % 60)


COLUMNS = (
    "site", "type", "date", "start_time", "duration_minutes", "place", "devices", "adviser", "note", "learner",
    "person_age_band", "person_gender", "person_status", "autonomy", "referral_type", "referral_name",
    "referral_note", "referred", "procedure_name", "partner", "title", "level", "anonymous_count",
    "anonymous_breakdown", "series", "created_at", "updated_at",
)  # fmt: skip


def _row(site_id: int, adviser_id: int | None, activity: PlannedActivity, learner_ids: dict[str, int]) -> tuple:
    person = activity.person or {}
    referral = activity.referral or (None, "", "")
    written = local(activity.day, _ends(activity), now())
    learner = learner_ids[activity.learner] if activity.learner else None
    return (
        site_id, activity.type, activity.day, activity.start, activity.minutes, activity.place,
        msgspec.json.encode(activity.devices).decode(),
        adviser_id, activity.note, learner, person.get("age_band"), person.get("gender"), person.get("social_status"),
        activity.autonomy, *referral, True if activity.referral else None, activity.procedure_name, activity.partner,
        activity.title, activity.level, len(activity.anonymous),
        _breakdown(activity.anonymous), activity.series, written, written,
    )  # fmt: skip


async def insert_activities(
    site_id: int, adviser_id: int | None, planned: list[PlannedActivity], learner_ids: dict[str, int]
) -> int:
    """Add the planned activities, then their topics and participants; return how many activities."""
    before = await Activity.select(Activity.id).order_by(Activity.id, ascending=False).first().run()
    await insert_rows("activity", COLUMNS, [_row(site_id, adviser_id, activity, learner_ids) for activity in planned])
    written = await Activity.select(Activity.id, Activity.date, Activity.start_time).where(
        Activity.site == site_id, Activity.id > (before["id"] if before else 0)
    )
    ids = {(row["date"], row["start_time"].strftime("%H:%M")): row["id"] for row in written}  # one per slot
    topics, participants = [], []
    for activity in planned:
        activity_id = ids[(activity.day, activity.start.strftime("%H:%M"))]
        topics += [(activity_id, "digital", topic) for topic in activity.digital]
        topics += [(activity_id, "admin", topic) for topic in activity.admin]
        participants += [(activity_id, learner_ids[key], present) for key, present in activity.participants]
    await insert_rows("activity_topic", ("activity", "kind", "topic"), topics)
    await insert_rows("activity_participant", ("activity", "learner", "present"), participants)
    return len(planned)


def plan_attendance(
    today: date, planned: list[PlannedActivity], weekdays: tuple[int, ...], seed: int, notes: dict[int, str]
) -> list[dict]:
    """The last weeks' days: open with the people seen in activities and those who only dropped in, or closed
    on a public holiday. `notes` says where a bus stood on each weekday."""
    rng = random.Random(seed)
    people: dict[date, int] = defaultdict(int)
    for activity in planned:
        people[activity.day] += len(activity.anonymous) + sum(1 for _, here in activity.participants if here)
        people[activity.day] += activity.type == "individuel"
    first = today - timedelta(weeks=ATTENDANCE_WEEKS)
    days = []
    for offset in range((today - first).days + 1):
        day = first + timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        if name := holiday(day):
            days.append({"day": day, "open": False, "visitors": 0, "note": f"Fermé (jour férié) : {name}"})
        else:
            visitors = people[day] + rng.randint(3, 14 if len(weekdays) > 3 else 6)
            days.append({"day": day, "open": True, "visitors": visitors, "note": notes.get(day.weekday(), "")})
    return days


async def insert_attendance(site_id: int, days: list[dict]) -> int:
    rows = [(site_id, day["day"], day["open"], day["visitors"], day["note"]) for day in days]
    await insert_rows("site_day", ("site", "day", "open", "visitors", "note"), rows)
    return len(days)
