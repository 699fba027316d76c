"""A learner's progression: per competence, first and latest level and the dated path between them."""

from __future__ import annotations

from typing import Any

from inclusion.assessments.services import levels_of_learner
from inclusion.audit.services import Action, record
from inclusion.frameworks.builtin import AUTONOMOUS_LEVEL
from inclusion.frameworks.services import framework_versions, version_with_competences
from inclusion.learners.services import fetch_learner
from inclusion.scoping import Caller
from inclusion.storage.tables.frameworks import Framework, FrameworkVersion


def fragility(levels_by_code: dict[str, int], socle_codes: set[str]) -> dict[str, Any]:
    """Fragile: below `autonome` in at least one socle competence assessed; unknown if none was assessed."""
    assessed = {code: level for code, level in levels_by_code.items() if code in socle_codes}
    autonomous = sum(1 for level in assessed.values() if level >= AUTONOMOUS_LEVEL)
    return {
        "fragile": None if not assessed else autonomous < len(assessed),
        "socle_assessed": len(assessed),
        "socle_autonomous": autonomous,
        "socle_total": len(socle_codes),
    }


async def _default_framework_code() -> str:
    row = await Framework.select(Framework.code).where(Framework.is_default.eq(True)).first().run()
    return row["code"] if row else "autonomie_quotidien"


async def progression(
    caller: Caller, learner_id: int, framework_code: str | None = None, audit: bool = True
) -> dict[str, Any]:
    learner = await fetch_learner(caller, learner_id)
    code = framework_code or await _default_framework_code()
    version_ids = await framework_versions(code)
    current = (
        await FrameworkVersion.select(FrameworkVersion.id)
        .where(FrameworkVersion.framework.code == code, FrameworkVersion.is_current.eq(True))
        .first()
        .run()
    )
    version = await version_with_competences(current["id"])
    rows = await levels_of_learner(learner_id, version_ids)
    paths: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        paths.setdefault(row["code"], []).append(
            {"assessed_on": row["assessed_on"], "level": row["level"], "kind": row["kind"]}
        )
    competences = [
        {
            "code": competence["code"],
            "label": competence["label"],
            "socle": competence["socle"],
            "first": paths[competence["code"]][0],
            "latest": paths[competence["code"]][-1],
            "path": paths[competence["code"]],
        }
        for competence in version["competences"].values()
        if competence["code"] in paths
    ]
    socle = {c["code"] for c in version["competences"].values() if c["socle"]}
    if audit:
        await record(caller, Action.view, "learner", learner_id, learner["site"], {"progression": code})
    return {
        "learner_id": learner_id,
        "framework_code": code,
        "scale": version["scale"],
        "assessments": len({row["assessment_id"] for row in rows}),
        "competences": competences,
        "fragility_at_entry": fragility({c["code"]: c["first"]["level"] for c in competences}, socle),
        "fragility_now": fragility({c["code"]: c["latest"]["level"] for c in competences}, socle),
    }
