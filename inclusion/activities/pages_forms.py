"""The activity forms: "atelier ou séance ?", then one form per kind (new and edit), each working without
JavaScript (the learner picker then searches on the server) and saying every problem beside its field."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from inclusion import clock
from inclusion.accounts.guards import PERSONAL
from inclusion.activities import recording, services
from inclusion.activities.forms import (
    CALENDAR,
    DURATIONS,
    LABELS,
    activity_values,
    days_sentence,
    form_problems,
    in_form_order,
    last_workshop,
    occurrences,
    picker_state,
    taken_up,
)
from inclusion.activities.schemas import ActivityCreate, ActivityPatch
from inclusion.errors import InvalidData
from inclusion.web.forms import convert_form
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

TEMPLATES = {"collectif": "pages/activity_workshop.html", "individuel": "pages/activity_session.html"}
QUERY_FIELDS = {"collectif": "participant_q", "individuel": "learner_q"}
NOT_PICKED = "« {query} » n'est pas ajouté : choisissez la fiche dans la liste, ou effacez ce texte."
URLS = {"collectif": "/activities/new/workshop", "individuel": "/activities/new/session"}


async def _form(
    request: Request,
    caller,
    values: dict[str, Any],
    status_code: int = 200,
    query: str = "",
    searched: bool = False,
    **context: Any,
) -> Template:
    kind = values["type"]
    last = await last_workshop(caller) if kind == "collectif" and "activity" not in context else None
    return page(
        request,
        TEMPLATES[kind],
        status_code,
        values=values,
        picker=await picker_state(caller, values, query, searched),
        occurrences=days_sentence(dates) if (dates := occurrences(values)) else "",
        occurrence_count=len(dates),
        durations=DURATIONS,
        calendar=CALENDAR,
        labels=LABELS,
        last=last,
        action=URLS[kind] if "activity" not in context else f"/activities/{context['activity']['id']}/edit",
        **context,
    )


def _fresh(kind: str) -> dict[str, Any]:
    return {"type": kind, "date": clock.today().isoformat()}


@get("/activities/new", include_in_schema=False, opt=PERSONAL)
async def choose(request: Request) -> Template:
    """Workshop or individual session: two large buttons, then the form of that kind."""
    return page(request, "pages/activity_new.html")


@get("/activities/new/workshop", include_in_schema=False, opt=PERSONAL)
async def workshop_form(
    request: Request,
    caller: CurrentCaller,
    reprendre: Annotated[str, QueryParameter(max_length=12)] = "",
) -> Template:
    """An empty workshop dated today; with ?reprendre=ID, that workshop's title, level, topics and participants."""
    if reprendre.isdigit() and (workshop := await services.get_activity(caller, int(reprendre)))["type"] == "collectif":
        return await _form(request, caller, await taken_up(workshop), taken_from=workshop)
    return await _form(request, caller, _fresh("collectif"))


@get("/activities/new/session", include_in_schema=False, opt=PERSONAL)
async def session_form(
    request: Request,
    caller: CurrentCaller,
    learner: Annotated[str, QueryParameter(max_length=12)] = "",
) -> Template:
    """An empty individual session dated today; with ?learner=ID, that learner already chosen."""
    values = {**_fresh("individuel"), "learner_id": int(learner) if learner.isdigit() else None}
    return await _form(request, caller, values, return_to=values["learner_id"])


async def _save(request: Request, caller, kind: str, activity: dict[str, Any] | None = None) -> Template | Redirect:
    form = await request.form()
    values = activity_values(form, kind)
    query = str(form.get(QUERY_FIELDS[kind], "")).strip()
    context: dict[str, Any] = {"activity": activity} if activity else {}
    if activity is None and kind == "individuel":
        context["return_to"] = values["learner_id"] if str(form.get("return_to")) == str(values["learner_id"]) else None
    action = form.get("action", "enter")
    if action == "search" or form.getall("remove", []) or (action == "enter" and query):  # without JavaScript
        return await _form(request, caller, values, query=query, searched=True, **context)
    if query:  # a name typed but not picked: saving would leave that person out
        errors = {QUERY_FIELDS[kind]: NOT_PICKED.format(query=query)}
        return await _form(request, caller, values, 422, query=query, searched=True, errors=errors, **context)
    try:
        if activity:
            changes = {key: value for key, value in values.items() if key not in ("type", "repeat_weeks")}
            await services.update_activity(caller, activity["id"], convert_form(changes, ActivityPatch))
            return Redirect(f"/activities?week={values['date']}&saved=1", status_code=303)
        created = await recording.create_activities(caller, convert_form(values, ActivityCreate))
    except InvalidData as exc:
        errors = in_form_order(form_problems(form, values, exc.fields))
        return await _form(request, caller, values, 422, query=query, errors=errors, **context)
    if context.get("return_to"):
        return Redirect(f"/learners/{context['return_to']}?session_saved={created[0]['id']}", status_code=303)
    return Redirect(
        f"/activities?week={values['date']}&saved={len(created)}&created={created[0]['id']}", status_code=303
    )


@post("/activities/new/workshop", include_in_schema=False, opt=PERSONAL)
async def create_workshop(request: Request, caller: CurrentCaller) -> Template | Redirect:
    return await _save(request, caller, "collectif")


@post("/activities/new/session", include_in_schema=False, opt=PERSONAL)
async def create_session(request: Request, caller: CurrentCaller) -> Template | Redirect:
    return await _save(request, caller, "individuel")


@get("/activities/{activity_id:int}/edit", include_in_schema=False, opt=PERSONAL)
async def edit_form(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    """The form of the activity's kind, filled with what is stored."""
    activity = await services.get_activity(caller, activity_id)
    return await _form(request, caller, {**activity, "date": activity["date"].isoformat()}, activity=activity)


@post("/activities/{activity_id:int}/edit", include_in_schema=False, opt=PERSONAL)
async def edit(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template | Redirect:
    activity = await services.get_activity(caller, activity_id)
    return await _save(request, caller, activity["type"], activity)


FORM_PAGES = [choose, workshop_form, session_form, create_workshop, create_session, edit_form, edit]
