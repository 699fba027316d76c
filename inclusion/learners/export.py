"""The right of access: everything held on one learner, in one document."""

from __future__ import annotations

from typing import Any

from inclusion.assessments.services import list_assessments
from inclusion.audit.services import Action, entries_about, record
from inclusion.clock import now
from inclusion.learners.services import TARGET, _fetch, as_output
from inclusion.pagination import MAX_PER_PAGE, PageRequest
from inclusion.scoping import Caller


async def export(caller: Caller, learner_id: int) -> dict[str, Any]:
    """The file, its assessments, activities, vouchers, certificates and the audit entries about it."""
    learner = as_output(await _fetch(caller, learner_id))
    assessments: list[dict[str, Any]] = []
    page = 1
    while True:
        result = await list_assessments(caller, PageRequest(page, MAX_PER_PAGE), learner_id=learner_id)
        assessments += result.rows
        if page >= result.pages:
            break
        page += 1
    await record(caller, Action.export, TARGET, learner_id, learner["site_id"])
    audit = await entries_about(TARGET, learner_id)
    for entry in audit:
        entry["actor_id"], entry["site_id"] = entry.pop("actor"), entry.pop("site")
    return {
        "exported_at": now(),
        "learner": learner,
        "assessments": assessments,
        "activities": [],  # filled once activities are recorded (issue 4)
        "vouchers": [],  # filled once vouchers exist (issue 5)
        "certificates": [],  # filled once certificates exist (issue 6)
        "audit": audit,
    }
