"""Recording an assessment: one statement plan, on either engine (`storage.sql.transact_here`).

The plan reads the learner's file (404 outside the caller's sites; refused when anonymised or merged), checks the
levels and the date against it, then inserts the assessment and its levels, moves the learner's last-contact date
and adds the audit entry. A refusal raised in the plan rolls everything back. On SQLite the plan runs in one go,
on the event loop's own thread when the write lock is free (otherwise by the writer thread, with the plans waiting
beside it): no other write waits while a request's statements go back and forth through the event loop, as they
did in `db.write_transaction()`. On PostgreSQL it runs statement by statement in one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from inclusion.assessments.schemas import AssessmentCreate
from inclusion.audit.services import Action, entry_statement
from inclusion.clock import now
from inclusion.errors import InvalidData, NotFound
from inclusion.learners.services import contact_statement
from inclusion.scoping import Caller, site_sql
from inclusion.storage import sql

LEARNER = "SELECT id, site, first_visit_on, anonymised_at, merged_into FROM learner WHERE id = {}"
GONE = "Cette fiche est anonymisée ou fusionnée : elle ne reçoit plus d'évaluation."


def problems(data: AssessmentCreate, version: dict[str, Any], learner: dict[str, Any], today: date) -> dict:
    found: dict[str, str] = {}
    assessed_on = data.assessed_on or today
    if assessed_on > today:
        found["assessed_on"] = "La date d'évaluation ne peut pas être dans le futur."
    elif assessed_on < learner["first_visit_on"]:
        found["assessed_on"] = (
            f"La date d'évaluation précède la première venue de l'apprenant ({learner['first_visit_on']:%d/%m/%Y})."
        )
    if not data.levels:
        found["levels"] = "Évaluez au moins une compétence."
    low, high = min(version["levels"]), max(version["levels"])
    for code, level in data.levels.items():
        if code not in version["competences"]:
            found[f"levels.{code}"] = "Compétence inconnue dans cette version du référentiel."
        elif level not in version["levels"]:
            found[f"levels.{code}"] = f"Niveau hors de l'échelle ({low} à {high})."
    return found


def plan(
    caller: Caller, data: AssessmentCreate, version: dict[str, Any] | InvalidData, today: date
) -> sql.Plan[dict[str, Any]]:
    """The assessment's row as written (with its id). `version` is the framework version, or the error naming an
    unknown one, raised once the learner is known: a learner out of reach answers 404 first, as it always did."""
    scope, scope_args = site_sql(caller, "site")
    rows = yield LEARNER + scope, [data.learner_id, *scope_args]
    if not rows:
        raise NotFound("Apprenant introuvable.")
    learner = rows[0]
    if learner["anonymised_at"] is not None or learner["merged_into"] is not None:
        raise InvalidData({"learner_id": GONE})
    if isinstance(version, InvalidData):
        raise version
    if found := problems(data, version, learner, today):
        raise InvalidData(found)
    row = {
        "learner": learner["id"],
        "site": learner["site"],
        "version": version["id"],
        "assessed_on": data.assessed_on or today,
        "kind": data.kind.value,
        "assessor": caller.user_id,
        "note": data.note.strip(),
        "created_at": now(),
        "levels_packed": 0,  # the database's triggers set it from the levels
    }
    created = yield sql.insert_statement("assessment", row)
    row["id"] = created[0]["id"]
    levels = [(row["id"], version["competences"][code]["id"], level) for code, level in data.levels.items()]
    yield sql.insert_many_statement("assessment_level", ("assessment", "competence", "level"), levels)
    yield contact_statement([learner["id"]], row["assessed_on"])
    yield entry_statement(caller, Action.assess, "learner", learner["id"], learner["site"], {"assessment": row["id"]})
    return row
