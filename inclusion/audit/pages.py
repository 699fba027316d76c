from typing import Annotated

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from inclusion.audit.services import ACTION_LABELS, Action, list_entries
from inclusion.learners.search import search_learners
from inclusion.learners.services import names_of
from inclusion.scoping import Role
from inclusion.storage.pagination import PageRequest
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page


@get("/audit", include_in_schema=False, opt={"personal_data": True, "roles": {Role.admin, Role.coordinator}})
async def audit_page(
    request: Request,
    caller: CurrentCaller,
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
    learner_text: Annotated[str, QueryParameter(name="learner", max_length=12)] = "",
    action_text: Annotated[str, QueryParameter(name="action", max_length=32)] = "",
    typed: Annotated[str, QueryParameter(name="learner_q", max_length=100)] = "",
) -> Template:
    """Empty filters (as an HTML form sends them) mean no filter. The learner comes from the picker, or (without
    JavaScript) from the name typed: one match filters on it, several are offered to choose from."""
    learner = int(learner_text) if learner_text.isdigit() else None
    found = await search_learners(caller, typed, limit=20) if learner is None and typed.strip() else []
    if len(found) == 1:
        learner, found = found[0]["id"], []
    action = Action(action_text) if action_text in Action.__members__ else None
    result = await list_entries(
        caller,
        PageRequest(page=page_number, per_page=50),
        target_type="learner" if learner is not None else None,
        target_id=learner,
        action=action,
    )
    return page(
        request,
        "pages/audit.html",
        result=result,
        learner=learner,
        chosen=[{"id": i, "name": name} for i, name in (await names_of(caller, [learner])).items()] if learner else [],
        found=found,
        query=typed if learner is None else "",
        action=action.value if action else "",
        actions={a.value: label for a, label in ACTION_LABELS.items()},
    )


AUDIT_PAGES = [audit_page]
