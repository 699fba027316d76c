"""What makes an activity valid, field by field (French messages; nothing is written when any fails)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from inclusion.learners.names import display_name
from inclusion.storage import sql

MAX_MINUTES = 12 * 60
MAX_PARTICIPANTS = 500  # named participants of one workshop
MAX_PARTICIPANT_ROWS = 10_000  # participant rows one request may write, over all the weeks of a repeated workshop
BREAKDOWN_NAMES = {"age_band": "tranche d'âge", "gender": "genre", "social_status": "statut"}


def shape_problems(values: dict[str, Any], today: date, repeat_weeks: int = 1) -> dict[str, str]:
    """Rules on the activity's own fields (no database)."""
    found: dict[str, str] = {}
    minutes = values["duration_minutes"]
    if not 0 < minutes <= MAX_MINUTES:
        found["duration_minutes"] = f"La durée doit être comprise entre 1 et {MAX_MINUTES} minutes (12 heures)."
    if values["date"] > today:
        found["date"] = "La date ne peut pas être dans le futur."
    elif repeat_weeks > 1 and (last := values["date"] + timedelta(weeks=repeat_weeks - 1)) > today:
        found["repeat_weeks"] = f"La dernière séance ({last:%d/%m/%Y}) serait dans le futur."
    if values["type"] == "individuel":
        has_file, has_person = values.get("learner_id") is not None, values.get("anonymous_person") is not None
        if has_file == has_person:
            found["learner_id"] = (
                "Une séance individuelle concerne soit un apprenant (fiche), soit une personne anonyme."
            )
        if values.get("participants") or values.get("anonymous_count"):
            found["participants"] = (
                "Les participants et le nombre d'anonymes ne concernent que les ateliers collectifs."
            )
    else:
        if values.get("learner_id") is not None or values.get("anonymous_person") is not None:
            found["learner_id"] = "Un atelier collectif a des participants, pas d'apprenant unique."
        if not str(values.get("title", "")).strip():
            found["title"] = "Donnez un titre à l'atelier."
        if values.get("autonomy") or values.get("referral"):
            found["autonomy"] = "L'autonomie et l'orientation se notent en séance individuelle."
    found |= _participant_problems(values.get("participants") or [])
    found |= _size_problems(len(values.get("participants") or []), repeat_weeks)
    found |= _breakdown_problems(values.get("anonymous_count") or 0, values.get("anonymous_breakdown") or {})
    return found


def _participant_problems(participants: list[dict[str, Any]]) -> dict[str, str]:
    states: dict[int, set[bool]] = {}
    for participant in participants:
        states.setdefault(participant["learner_id"], set()).add(participant["present"])
    if any(len(seen) > 1 for seen in states.values()):
        return {"participants": "Un même apprenant ne peut pas être à la fois présent et absent."}
    if len(states) < len(participants):
        return {"participants": "Un même apprenant figure deux fois parmi les participants."}
    return {}


def _size_problems(participants: int, repeat_weeks: int) -> dict[str, str]:
    if participants > MAX_PARTICIPANTS:
        return {
            "participants": f"Un atelier compte au plus {MAX_PARTICIPANTS} participants nommés ({participants} reçus)."
        }
    if participants * repeat_weeks > MAX_PARTICIPANT_ROWS:
        return {
            "repeat_weeks": f"{participants} participants sur {repeat_weeks} semaines font "
            f"{participants * repeat_weeks} présences : {MAX_PARTICIPANT_ROWS} au plus par enregistrement. "
            "Répétez l'atelier sur moins de semaines, en plusieurs fois."
        }
    return {}


def _breakdown_problems(count: int, breakdown: dict[str, dict[str, int]]) -> dict[str, str]:
    found = {}
    for name, counts in breakdown.items():
        if counts is None:
            continue
        total = sum(counts.values())
        if total != count:
            found[f"anonymous_breakdown.{name}"] = (
                f"La répartition par {BREAKDOWN_NAMES[name]} totalise {total} personne(s), "
                f"or le nombre de participants anonymes est {count}."
            )
    return found


_SITE_LEARNERS = """
SELECT {columns} FROM learner
WHERE site = {{}} AND anonymised_at IS NULL AND merged_into IS NULL AND id IN ({ids})
"""
_ROWS = "id, first_name, last_name, pseudonym"


def _site_learners(columns: str, site_id: int, learner_ids: list[int]) -> tuple[str, list[Any]]:
    wanted = sorted(set(learner_ids))
    return _SITE_LEARNERS.format(columns=columns, ids=sql.marks(len(wanted))), [site_id, *wanted]


def site_learners_statement(site_id: int, learner_ids: list[int]) -> tuple[str, list[Any]]:
    """The live files of this site among these ids (ids must not be empty); rows for `learner_names`."""
    return _site_learners(_ROWS, site_id, learner_ids)


def learner_names(rows: list[dict[str, Any]]) -> dict[int, str]:
    return {row["id"]: display_name(row["first_name"], row["last_name"], row["pseudonym"], False) for row in rows}


async def site_learners(site_id: int, learner_ids: list[int]) -> dict[int, str]:
    """Display names of the live files of this site among these ids (unknown ones are left out)."""
    if not learner_ids:
        return {}
    statement, args = site_learners_statement(site_id, learner_ids)
    return learner_names(await sql.lookup(statement, *args))


def named_learners(values: dict[str, Any]) -> list[int]:
    """Every learner an activity (or a change to one) names: participants, present or not, and the individual."""
    return [p["learner_id"] for p in values.get("participants") or []] + _individual(values)


def present_learners(values: dict[str, Any]) -> list[int]:
    """The learners whose last-contact date an activity moves: present participants and the individual."""
    return [p["learner_id"] for p in values.get("participants") or [] if p["present"]] + _individual(values)


def _individual(values: dict[str, Any]) -> list[int]:
    return [values["learner_id"]] if values.get("learner_id") is not None else []


def learner_problems(values: dict[str, Any], known: dict[int, Any]) -> dict[str, str]:
    """Every learner named must be a live file of the activity's site (`known`, from `site_learners`)."""
    wanted: dict[str, int] = {}
    if values.get("learner_id") is not None:
        wanted["learner_id"] = values["learner_id"]
    for index, participant in enumerate(values.get("participants") or []):
        wanted[f"participants[{index}].learner_id"] = participant["learner_id"]
    return {
        field: "Apprenant inconnu sur ce site (ou fiche anonymisée)."
        for field, learner_id in wanted.items()
        if learner_id not in known
    }


@dataclass
class Recording:
    """One request's new activity: its API fields (`values`) and its rows, one per week (`occurrences`)."""

    values: dict[str, Any]
    occurrences: list[dict[str, Any]]

    @property
    def site(self) -> int:
        return self.occurrences[0]["site"]

    @property
    def named(self) -> list[int]:
        return named_learners(self.values)

    @property
    def present(self) -> list[int]:
        return present_learners(self.values)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name in self.occurrences[0] if name != "date")

    @property
    def topics(self) -> list[tuple[str, str]]:
        """(kind, topic) in the order given: digital, then administrative."""
        return [("digital", topic) for topic in self.values["digital_topics"]] + [
            ("admin", topic) for topic in self.values["admin_topics"]
        ]
