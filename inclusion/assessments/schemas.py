from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from msgspec import Meta, Struct


class AssessmentKind(StrEnum):
    initial = "initial"
    intermediaire = "intermediaire"
    final = "final"
    auto_evaluation = "auto_evaluation"


KIND_LABELS = {
    AssessmentKind.initial: "Initiale",
    AssessmentKind.intermediaire: "Intermédiaire",
    AssessmentKind.final: "Finale",
    AssessmentKind.auto_evaluation: "Auto-évaluation",
}


class AssessmentCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    learner_id: int
    kind: AssessmentKind
    levels: Annotated[dict[str, int], Meta(description="Niveau par code de compétence ; une partie suffit")]
    version_id: int | None = None
    assessed_on: date | None = None
    note: Annotated[str, Meta(max_length=2000)] = ""


class LevelOut(Struct):
    competence: str
    label: str
    socle: bool
    level: int
    level_label: str


class AssessmentOut(Struct, kw_only=True):
    id: int
    learner_id: int
    site_id: int
    framework_code: str
    version_id: int
    version_number: int
    assessed_on: date
    kind: AssessmentKind
    assessor_id: int | None
    assessor_name: str
    note: str
    levels: list[LevelOut]
    created_at: datetime


class AssessmentPage(Struct):
    items: list[AssessmentOut]
    total: int
    page: int
    per_page: int
    pages: int


class PathPoint(Struct):
    assessed_on: date
    level: int
    kind: AssessmentKind


class CompetenceProgress(Struct):
    code: str
    label: str
    socle: bool
    first: PathPoint
    latest: PathPoint
    path: list[PathPoint]


class Fragility(Struct):
    fragile: bool | None
    socle_assessed: int
    socle_autonomous: int
    socle_total: int


class Progression(Struct):
    learner_id: int
    framework_code: str
    scale: list[dict]
    assessments: int
    competences: list[CompetenceProgress]
    fragility_at_entry: Fragility
    fragility_now: Fragility
