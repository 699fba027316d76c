"""The assessment form, for a phone: one tap per competence, the previous level beside each."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inclusion import clock
from inclusion.accounts.guards import PERSONAL
from inclusion.assessments import services
from inclusion.assessments.progression import progression
from inclusion.assessments.schemas import KIND_LABELS, AssessmentCreate, AssessmentKind
from inclusion.errors import InvalidData
from inclusion.frameworks.services import version_with_competences
from inclusion.learners.services import get_learner
from inclusion.web.forms import convert_form
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page


async def _form(
    request: Request, caller, learner_id: int, values: dict[str, Any], status_code: int = 200, **context: Any
) -> Template:
    learner = await get_learner(caller, learner_id)
    version = await version_with_competences(None)
    progress = await progression(caller, learner_id, version["framework_code"], audit=False)
    previous = {row["code"]: row["latest"] for row in progress["competences"]}
    values.setdefault("kind", AssessmentKind.intermediaire.value if previous else AssessmentKind.initial.value)
    values.setdefault("assessed_on", clock.today().isoformat())
    return page(
        request,
        "pages/assessment_form.html",
        status_code,
        learner=learner,
        version=version,
        previous=previous,
        kinds=KIND_LABELS,
        values=values,
        **context,
    )


@get("/learners/{learner_id:int}/assess", include_in_schema=False, opt=PERSONAL)
async def assessment_form(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template:
    return await _form(request, caller, learner_id, {})


@post("/learners/{learner_id:int}/assess", include_in_schema=False, opt=PERSONAL)
async def assess(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template | Redirect:
    form = await request.form()
    levels = {
        name.removeprefix("level_"): int(value)
        for name, value in form.items()
        if name.startswith("level_") and str(value).isdigit()
    }
    values = {
        "learner_id": learner_id,
        "kind": str(form.get("kind", "")),
        "assessed_on": str(form.get("assessed_on", "")) or None,
        "note": str(form.get("note", "")),
        "version_id": int(form["version_id"]) if str(form.get("version_id", "")).isdigit() else None,
        "levels": levels,
    }
    try:
        await services.create_assessment(caller, convert_form(values, AssessmentCreate))
    except InvalidData as exc:
        return await _form(request, caller, learner_id, {**dict(form), "levels": levels}, 422, errors=exc.fields)
    return Redirect(f"/learners/{learner_id}?assessed=1", status_code=303)


ASSESSMENT_PAGES = [assessment_form, assess]
