"""What makes an activity valid, field by field (French messages; nothing is written when any fails)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from inclusion.clock import short_day, today
from inclusion.learners.names import display_name
from inclusion.storage import sql

MAX_MINUTES = 24 * 60 - 1  # as La Coop: up to 23 h 59
MAX_PARTICIPANTS = 500  # named participants of one workshop
MAX_PARTICIPANT_ROWS = 10_000  # participant rows one request may write, over all the weeks of a repeated workshop
BREAKDOWN_NAMES = {"age_band": "tranche d'âge", "gender": "genre", "social_status": "statut"}


PLAN_DAYS = 366
"""How far ahead a workshop may be planned (its calendar feed shows it; reports count it once it has happened)."""
NO_TOPIC = "Choisissez au moins une thématique numérique."
NO_PARTICIPANT = (
    "Ajoutez au moins un participant : un apprenant avec sa fiche, ou un nombre de participants sans fiche."
)


def occurrence_dates(first: date, weeks: int) -> list[date]:
    """The dates of a weekly series: `first`, then every 7 days, `weeks` dates in all."""
    return [first + timedelta(weeks=week) for week in range(weeks)]


def _date_problems(values: dict[str, Any], today: date, repeat_weeks: int) -> dict[str, str]:
    """An individual session has taken place; a workshop may be planned, up to PLAN_DAYS ahead (its weeks too)."""
    last = occurrence_dates(values["date"], repeat_weeks)[-1]
    if values["type"] == "individuel":
        if values["date"] > today:
            return {"date": "Une séance individuelle se note une fois faite : la date ne peut pas être dans le futur."}
        if last > today:
            return {"repeat_weeks": f"La dernière séance ({short_day(last)} {last.year}) serait dans le futur."}
        return {}
    horizon = today + timedelta(days=PLAN_DAYS)
    if values["date"] > horizon:
        return {"date": "Un atelier se planifie au plus un an à l'avance."}
    if last > horizon:
        return {"repeat_weeks": f"La dernière séance ({short_day(last)} {last.year}) dépasserait un an à l'avance."}
    return {}


def shape_problems(values: dict[str, Any], today: date, repeat_weeks: int = 1) -> dict[str, str]:
    """Rules on the activity's own fields (no database)."""
    found: dict[str, str] = {}
    minutes = values["duration_minutes"]
    if not 0 < minutes <= MAX_MINUTES:
        found["duration_minutes"] = "La durée doit être comprise entre 1 et 1 439 minutes (23 h 59)."
    found |= _date_problems(values, today, repeat_weeks)
    if not values.get("digital_topics"):
        found["digital_topics"] = NO_TOPIC  # the national model (La Coop) requires its `thematiques`
    found |= coop_problems(values)
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
        if values.get("partner"):
            found["partner"] = "Le partenaire France Services se note en séance individuelle."
        if values.get("autonomy") or values.get("referral") or values.get("referred") is not None:
            found["autonomy"] = "L'autonomie et l'orientation se notent en séance individuelle."
        planned = values["date"] > today  # its people are not known yet: they are added once it has taken place
        if not planned and not values.get("participants") and not values.get("anonymous_count"):
            found["participants"] = NO_PARTICIPANT
    found |= _participant_problems(values.get("participants") or [])
    found |= _size_problems(len(values.get("participants") or []), repeat_weeks)
    found |= _breakdown_problems(values.get("anonymous_count") or 0, values.get("anonymous_breakdown") or {})
    return found


JSON_COLUMNS = ("anonymous_breakdown", "devices")  # JSON text in a new row (embedded as is in PostgreSQL's payload)
PROCEDURES = "aide_aux_demarches_administratives"
COMMUNE_FIELDS = ("place_insee_code", "place_postal_code", "place_city")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
POSTAL_CODE = re.compile(r"^\d{5}$")


def with_devices(values: dict[str, Any]) -> dict[str, Any]:
    """`device` (one, as before the list) read as `devices`, and a referral said to be one (`referred`); the
    values without `device`. A `device` that is not among the `devices` given is left for `coop_problems`."""
    values = dict(values)
    if "device" in values:
        device = values.pop("device")
        if not values.get("devices"):
            values["devices"] = [device] if device else []
        elif device and device not in values["devices"]:
            values["device_conflict"] = True
    if values.get("referral") and values.get("referred") is None:
        values["referred"] = True
    return values


def coop_problems(values: dict[str, Any]) -> dict[str, str]:
    """The national model's (La Coop's) own rules: devices, démarches, the place's commune, referral."""
    found: dict[str, str] = {}
    devices = values.get("devices") or []
    if values.get("device_conflict"):
        found["device"] = "Le matériel « device » doit figurer dans la liste « devices » ; n'envoyez que la liste."
    elif len(set(devices)) < len(devices):
        found["devices"] = "Un même matériel est choisi deux fois."
    elif "aucun" in devices and len(devices) > 1:
        found["devices"] = "« Pas de matériel » ne se combine pas avec un autre matériel."
    if PROCEDURES not in (values.get("digital_topics") or []):
        if values.get("admin_topics"):
            found["admin_topics"] = (
                "Les démarches administratives se choisissent avec la thématique "
                "« Aide aux démarches administratives »."
            )
        if values.get("partner"):
            found["partner"] = "Le partenaire se note avec la thématique « Aide aux démarches administratives »."
        if str(values.get("procedure_name") or "").strip():
            found["procedure_name"] = (
                "Le nom de la démarche se note avec la thématique « Aide aux démarches administratives »."
            )
    commune = {name: str(values.get(name) or "").strip() for name in COMMUNE_FIELDS}
    if values.get("place", "lieu_activite") == "lieu_activite" and any(commune.values()):
        found["place_insee_code"] = (
            "La commune se note pour un autre lieu que le lieu d'activité (à domicile, à distance, autre lieu)."
        )
    else:
        if commune["place_insee_code"] and not INSEE_CODE.match(commune["place_insee_code"]):
            found["place_insee_code"] = "Le code INSEE de la commune a 5 caractères (ex. : 62041, 2A004)."
        if commune["place_postal_code"] and not POSTAL_CODE.match(commune["place_postal_code"]):
            found["place_postal_code"] = "Le code postal a 5 chiffres (ex. : 62000)."
    if values.get("referral") and values.get("referred") is False:
        found["referred"] = "Une structure d'orientation est indiquée : la personne est donc orientée (referred)."
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
    def contact_day(self) -> date | None:
        """The last of its days that has come: the present learners' last contact (a planned week is not one)."""
        return max((o["date"] for o in self.occurrences if o["date"] <= today()), default=None)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for name in self.occurrences[0] if name != "date")

    @property
    def topics(self) -> list[tuple[str, str]]:
        """(kind, topic) in the order given: digital, then administrative."""
        return [("digital", topic) for topic in self.values["digital_topics"]] + [
            ("admin", topic) for topic in self.values["admin_topics"]
        ]
