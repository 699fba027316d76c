"""The right of access: everything held on one learner, in one document."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from inclusion.activities.services import list_activities
from inclusion.assessments.services import list_assessments
from inclusion.audit.services import Action, entries_about, record
from inclusion.certificates.services import of_learner
from inclusion.clock import now
from inclusion.learners.services import TARGET, as_output, fetch_learner
from inclusion.scoping import Caller
from inclusion.storage.pagination import MAX_PER_PAGE, PageRequest, PageResult
from inclusion.vouchers.learner_vouchers import learner_vouchers


async def _all_pages(fetch: Callable[[PageRequest], Awaitable[PageResult]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        result = await fetch(PageRequest(page, MAX_PER_PAGE))
        rows += result.rows
        if page >= result.pages:
            return rows
        page += 1


async def export(caller: Caller, learner_id: int) -> dict[str, Any]:
    """The file, its assessments, activities, vouchers, certificates and the audit entries about it."""
    learner = as_output(await fetch_learner(caller, learner_id))
    assessments = await _all_pages(lambda page: list_assessments(caller, page, learner_id=learner_id))
    activities = await _all_pages(lambda page: list_activities(caller, page, {"learner": learner_id}))
    certificates = await of_learner(learner_id)
    await record(caller, Action.export, TARGET, learner_id, learner["site_id"])
    audit = await entries_about(TARGET, learner_id)
    return {
        "exported_at": now(),
        "learner": learner,
        "assessments": assessments,
        "activities": activities,
        "vouchers": await learner_vouchers(caller, learner_id),
        "certificates": certificates,
        "audit": audit,
    }
