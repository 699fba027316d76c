"""Assessments: one level per competence assessed, against a frozen framework version."""

from __future__ import annotations

from typing import Any

from inclusion import clock
from inclusion.assessments import recording
from inclusion.assessments.schemas import AssessmentCreate
from inclusion.audit.services import Action, record
from inclusion.errors import InvalidData
from inclusion.frameworks.services import version_with_competences
from inclusion.scoping import Caller, one_in_scope, site_filter
from inclusion.storage import sql
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.assessments import Assessment, AssessmentLevel

COLUMNS = (
    Assessment.id,
    Assessment.learner,
    Assessment.site,
    Assessment.version,
    Assessment.version.number.as_alias("version_number"),
    Assessment.version.scale.as_alias("scale"),
    Assessment.version.framework.code.as_alias("framework_code"),
    Assessment.assessed_on,
    Assessment.kind,
    Assessment.assessor,
    Assessment.assessor.display_name.as_alias("assessor_name"),
    Assessment.note,
    Assessment.created_at,
)


async def create_assessment(caller: Caller, data: AssessmentCreate) -> dict[str, Any]:
    """Record the assessment in one statement plan (`recording.plan`); answer with what it wrote."""
    today = clock.today()
    try:
        version: dict[str, Any] | InvalidData = await version_with_competences(data.version_id)
    except InvalidData as unknown:  # raised by the plan once the learner is found, as before
        version = unknown
    row = await sql.transact_here(recording.plan(caller, data, version, today))
    return _as_read(row, version, data.levels, caller)  # a version: the plan raised the error of an unknown one


def _as_read(assessment: dict[str, Any], version: dict[str, Any], levels: dict[str, int], caller: Caller) -> dict:
    """What reading the new assessment back would give, from what was just written: two queries fewer."""
    labels = {step["level"]: step["label"] for step in version["scale"]}
    competences = sorted((version["competences"][code] for code in levels), key=lambda row: row["position"])
    return {
        "id": assessment["id"],
        "learner_id": assessment["learner"],
        "site_id": assessment["site"],
        "version_id": version["id"],
        "version_number": version["number"],
        "framework_code": version["framework_code"],
        "assessed_on": assessment["assessed_on"],
        "kind": assessment["kind"],
        "assessor_id": caller.user_id,
        "assessor_name": caller.display_name,
        "note": assessment["note"],
        "created_at": assessment["created_at"],
        "levels": [
            {
                "competence": row["code"],
                "label": row["label"],
                "socle": row["socle"],
                "level": levels[row["code"]],
                "level_label": labels.get(levels[row["code"]], str(levels[row["code"]])),
            }
            for row in competences
        ],
    }


async def _fetch(caller: Caller, assessment_id: int) -> dict[str, Any]:
    query = Assessment.select(*COLUMNS).where(Assessment.id == assessment_id)
    return await one_in_scope(query, caller, Assessment.site, "Évaluation introuvable.")


async def _with_levels(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows] or [0]
    levels = (
        await AssessmentLevel.select(
            AssessmentLevel.assessment,
            AssessmentLevel.level,
            AssessmentLevel.competence.code.as_alias("competence"),
            AssessmentLevel.competence.label.as_alias("label"),
            AssessmentLevel.competence.socle.as_alias("socle"),
        )
        .where(AssessmentLevel.assessment.is_in(ids))
        .order_by(AssessmentLevel.competence.position)
        .run()
    )
    for row in rows:
        labels = {step["level"]: step["label"] for step in row["scale"]}
        row["levels"] = [
            {**level, "level_label": labels.get(level["level"], str(level["level"]))}
            for level in levels
            if level["assessment"] == row["id"]
        ]
        row |= {"learner_id": row["learner"], "site_id": row["site"], "version_id": row["version"]}
        row["assessor_id"], row["assessor_name"] = row["assessor"], row["assessor_name"] or ""
    return rows


async def get_assessment(caller: Caller, assessment_id: int) -> dict[str, Any]:
    row = await _fetch(caller, assessment_id)
    await record(caller, Action.view, "learner", row["learner"], row["site"], {"assessment": assessment_id})
    return (await _with_levels([row]))[0]


async def list_assessments(
    caller: Caller, page: PageRequest, learner_id: int | None = None, kind: str | None = None
) -> PageResult:
    clauses: list[Any] = [clause for clause in [site_filter(caller, Assessment.site)] if clause is not None]
    if learner_id is not None:
        clauses.append(Assessment.learner == learner_id)
    if kind:
        clauses.append(Assessment.kind == kind)
    result = await fetch_page(Assessment, COLUMNS, clauses, [Assessment.assessed_on, Assessment.id], page, True)
    return PageResult(await _with_levels(result.rows), result.total, result.page, result.per_page)


async def levels_of_learner(learner_id: int, version_ids: list[int]) -> list[dict[str, Any]]:
    """Every level given to the learner in these versions, oldest assessment first."""
    return (
        await AssessmentLevel.select(
            AssessmentLevel.level,
            AssessmentLevel.assessment.assessed_on.as_alias("assessed_on"),
            AssessmentLevel.assessment.kind.as_alias("kind"),
            AssessmentLevel.assessment.id.as_alias("assessment_id"),
            AssessmentLevel.competence.code.as_alias("code"),
        )
        .where(
            AssessmentLevel.assessment.learner == learner_id,
            AssessmentLevel.assessment.version.is_in(version_ids),
        )
        .order_by(AssessmentLevel.assessment.assessed_on)
        .order_by(AssessmentLevel.assessment.id)
        .run()
    )
