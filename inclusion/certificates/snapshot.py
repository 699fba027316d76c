"""What a certificate certifies, gathered once at issue time and frozen as plain JSON.

Later edits of the learner's file, activities or assessments never change an issued certificate:
the PDF is rendered from this snapshot only, and the snapshot is stored beside it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from inclusion.assessments.progression import fragility, progression
from inclusion.errors import Conflict, InvalidData
from inclusion.learners.services import fetch_learner
from inclusion.scoping import Caller
from inclusion.storage.tables.activities import Activity, ActivityParticipant, ActivityTopic
from inclusion.storage.tables.frameworks import Framework
from inclusion.storage.tables.sites import Site
from inclusion.vocabulary import ADMIN_TOPIC_LABELS, DIGITAL_TOPIC_LABELS, ActivityType

SNAPSHOT_VERSION = 1
NO_ACTIVITY = "Aucune activité sur la période : envoyez « force »: true pour délivrer l'attestation quand même."
TOPIC_LABELS = {
    **{str(k): v for k, v in DIGITAL_TOPIC_LABELS.items()},
    **{str(k): v for k, v in ADMIN_TOPIC_LABELS.items()},
}


def first_name_and_initial(first_name: str, last_name: str) -> str:
    """What the public verification page may say of the learner: « Marie D. »."""
    initial = f"{last_name.strip()[0].upper()}." if last_name.strip() else ""
    return " ".join(part for part in (first_name.strip(), initial) if part) or "—"


async def learner_for_certificate(caller: Caller, learner_id: int) -> dict[str, Any]:
    """The learner's file if a certificate may be issued for it; Conflict saying why otherwise."""
    learner = await fetch_learner(caller, learner_id)
    if learner["anonymised_at"] is not None or learner["merged_into"] is not None:
        raise Conflict("Cette fiche est anonymisée ou fusionnée : aucune attestation ne peut être délivrée.")
    if not learner["consent_certificate"]:
        raise Conflict(
            "Cette personne n'a pas accepté la délivrance d'une attestation nominative : "
            "recueillez son accord et cochez-le sur sa fiche."
        )
    return learner


def checked_period(learner: dict[str, Any], start: date | None, end: date | None, today: date) -> tuple[date, date]:
    start = start or learner["first_visit_on"]
    end = end or today
    found = {}
    if end > today:
        found["period_end"] = "La fin de la période ne peut pas être dans le futur."
    if start > end:
        found["period_start"] = "Le début de la période doit précéder sa fin."
    if found:
        raise InvalidData(found)
    return start, end


async def attended(learner_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """Individual sessions of the learner and workshops they were present at, within the period."""
    present = ActivityParticipant.select(ActivityParticipant.activity).where(
        ActivityParticipant.learner == learner_id, ActivityParticipant.present.eq(True)
    )
    return (
        await Activity.select(Activity.id, Activity.type, Activity.date, Activity.duration_minutes)
        .where(
            (Activity.learner == learner_id) | Activity.id.is_in(present), Activity.date >= start, Activity.date <= end
        )
        .order_by(Activity.date)
        .run()
    )


async def _topics(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {row["id"]: row for row in activities}
    if not by_id:
        return []
    rows = await ActivityTopic.select(ActivityTopic.activity, ActivityTopic.topic).where(
        ActivityTopic.activity.is_in(sorted(by_id))
    )
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"sessions": 0, "workshops": 0, "minutes": 0})
    for row in rows:
        activity = by_id[row["activity"]]
        entry = totals[row["topic"]]
        entry["workshops" if activity["type"] == ActivityType.collectif else "sessions"] += 1
        entry["minutes"] += activity["duration_minutes"]
    ordered = sorted(totals.items(), key=lambda item: (-item[1]["minutes"], TOPIC_LABELS.get(item[0], item[0])))
    return [{"label": TOPIC_LABELS.get(topic, topic), **figures} for topic, figures in ordered]


def _levels_until(progress: dict[str, Any], end: date) -> list[dict[str, Any]]:
    """Each competence's level at entry and latest, counting assessments up to the period's end."""
    levels = {step["level"]: step["label"] for step in progress["scale"]}
    competences = []
    for row in progress["competences"]:
        path = [point for point in row["path"] if point["assessed_on"] <= end]
        if path:
            entry, latest = path[0], path[-1]
            competences.append(
                {
                    "code": row["code"],
                    "label": row["label"],
                    "socle": row["socle"],
                    "entry": entry["level"],
                    "entry_label": levels.get(entry["level"], str(entry["level"])),
                    "entry_on": entry["assessed_on"].isoformat(),
                    "latest": latest["level"],
                    "latest_label": levels.get(latest["level"], str(latest["level"])),
                    "latest_on": latest["assessed_on"].isoformat(),
                }
            )
    return competences


async def build(
    caller: Caller,
    learner: dict[str, Any],
    start: date,
    end: date,
    *,
    code: str,
    verify_url: str,
    issued_on: date,
    adviser_name: str,
    force: bool = False,
) -> dict[str, Any]:
    """The frozen content of one certificate; Conflict when there is nothing to certify, or when the learner
    attended no activity in the period (only assessments) unless `force` confirms it."""
    activities = await attended(learner["id"], start, end)
    progress = await progression(caller, learner["id"], audit=False)
    competences = _levels_until(progress, end)
    if not activities and not competences:
        raise Conflict(f"Rien à attester du {start:%d/%m/%Y} au {end:%d/%m/%Y} : aucune activité suivie ni évaluation.")
    if not activities and not force:
        raise Conflict(
            f"Aucune séance ni aucun atelier suivi du {start:%d/%m/%Y} au {end:%d/%m/%Y} : l'attestation ne "
            "montrerait que les évaluations, avec 0 heure de formation.",
            {"force": NO_ACTIVITY},
        )
    site = await Site.select(Site.name, Site.address, Site.postal_code, Site.city).where(Site.id == learner["site"])
    framework = await Framework.select(Framework.name).where(Framework.code == progress["framework_code"]).first()
    socle_codes = {row["code"] for row in competences if row["socle"]}
    socle = fragility({row["code"]: row["latest"] for row in competences if row["socle"]}, socle_codes)
    socle_at_entry = fragility({row["code"]: row["entry"] for row in competences if row["socle"]}, socle_codes)
    return {
        "version": SNAPSHOT_VERSION,
        "code": code,
        "verify_url": verify_url,
        "issued_on": issued_on.isoformat(),
        "learner": {
            "first_name": learner["first_name"],
            "last_name": learner["last_name"],
            "public_name": first_name_and_initial(learner["first_name"], learner["last_name"]),
            "gender": learner["gender"],  # the text agrees with it; snapshots made before it was kept read neutral
        },
        "site": site[0],
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "totals": {
            "minutes": sum(row["duration_minutes"] for row in activities),
            "sessions": sum(1 for row in activities if row["type"] == ActivityType.individuel),
            "workshops": sum(1 for row in activities if row["type"] == ActivityType.collectif),
        },
        "topics": await _topics(activities),
        "framework": framework["name"] if framework else "",
        "scale": [{"level": step["level"], "label": step["label"]} for step in progress["scale"]],
        "competences": competences,
        "socle": {
            "total": progress["fragility_now"]["socle_total"],
            "assessed": socle["socle_assessed"],
            "autonomous": socle["socle_autonomous"],
            "autonomous_at_entry": socle_at_entry["socle_autonomous"],
        },
        "adviser": adviser_name,
    }
