"""What the device keeps for a day: the learners of the adviser's sites, as little of them as the forms need, and
the framework with each learner's latest levels for the assessment form."""

from __future__ import annotations

from typing import Any

from inclusion.frameworks.services import version_with_competences
from inclusion.learners.names import display_name
from inclusion.scoping import Caller, scoped
from inclusion.storage.tables.assessments import AssessmentLevel
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site


async def learners_to_keep(caller: Caller) -> list[dict[str, Any]]:
    """Open files of the caller's sites: id, site, the name shown and the year of birth (to tell namesakes apart).
    Nothing else leaves the server: no contact, no note, no assessment."""
    query = Learner.select(
        Learner.id, Learner.site, Learner.first_name, Learner.last_name, Learner.pseudonym, Learner.birth_year
    ).where(Learner.anonymised_at.is_null(), Learner.merged_into.is_null())
    rows = await scoped(query, caller, Learner.site).order_by(Learner.last_name).order_by(Learner.first_name)
    return [
        {
            "id": row["id"],
            "site_id": row["site"],
            "name": display_name(row["first_name"], row["last_name"], row["pseudonym"]),
            "birth_year": row["birth_year"],
        }
        for row in rows
    ]


async def sites_of(caller: Caller) -> list[dict[str, Any]]:
    return await scoped(Site.select(Site.id, Site.name), caller, Site.id).order_by(Site.name)


async def framework_for_device() -> dict[str, Any]:
    """The default framework's current version, as the assessment form offline shows it."""
    version = await version_with_competences(None)
    return {
        "version_id": version["id"],
        "framework_code": version["framework_code"],
        "scale": [{"level": step["level"], "label": step["label"]} for step in version["scale"]],
        "competences": [
            {"code": row["code"], "label": row["label"], "domain": row["domain_label"], "socle": row["socle"]}
            for row in version["competences"].values()
        ],
    }


async def previous_levels(caller: Caller, framework_code: str) -> dict[int, dict[str, list[Any]]]:
    """Each learner's latest level per competence of the framework (any version), with its date: the "previous
    level" the offline form shows, as online."""
    level = AssessmentLevel.assessment
    query = AssessmentLevel.select(
        level.learner.as_alias("learner"),
        AssessmentLevel.competence.code.as_alias("code"),
        AssessmentLevel.level,
        level.assessed_on.as_alias("assessed_on"),
    ).where(level.version.framework.code == framework_code, level.learner.anonymised_at.is_null())
    rows = await scoped(query, caller, level.site).order_by(level.assessed_on).order_by(level.id)
    latest: dict[int, dict[str, list[Any]]] = {}
    for row in rows:
        latest.setdefault(row["learner"], {})[row["code"]] = [row["level"], row["assessed_on"].isoformat()]
    return latest
