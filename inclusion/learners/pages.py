"""Learner pages: list, file, create and edit forms, anonymisation with confirmation, readable export."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from inclusion import clock
from inclusion.accounts.guards import PERSONAL
from inclusion.activities.services import list_activities
from inclusion.assessments.chart import progression_chart
from inclusion.assessments.progression import progression
from inclusion.certificates.services import list_certificates
from inclusion.errors import Conflict, InvalidData, NotFound
from inclusion.learners import export as export_service
from inclusion.learners import glance, lifecycle, services
from inclusion.learners.schemas import LearnerCreate, LearnerPatch
from inclusion.learners.search import search_learners
from inclusion.storage.pagination import PageRequest
from inclusion.vocabulary import AGE_BAND_LABELS, GENDER_LABELS, SOCIAL_STATUS_LABELS
from inclusion.vouchers.learner_vouchers import learner_vouchers
from inclusion.web.forms import convert_form
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

TEXT_FIELDS = ("first_name", "last_name", "pseudonym", "insee_code", "phone", "email", "notes")
CHOICE_FIELDS = ("age_band", "gender", "social_status")
DATE_FIELDS = ("consent_on", "first_visit_on")
FLAGS = ("qpv", "rural", "consent_follow_up", "consent_certificate")


def learner_values(form: Any, creating: bool) -> dict[str, Any]:
    """Form fields shaped like LearnerCreate / LearnerPatch: empty dates and years become null."""
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in TEXT_FIELDS}
    for name in CHOICE_FIELDS + DATE_FIELDS:
        if raw := str(form.get(name, "")).strip():
            values[name] = raw
        elif name == "consent_on":
            values[name] = None  # cleared; the other empty fields keep their default or current value
    year = str(form.get("birth_year", "")).strip()
    values["birth_year"] = int(year) if year.isdigit() else (year or None)
    values.update({name: form.get(name) == "on" for name in FLAGS})
    if creating:
        site = str(form.get("site_id", "")).strip()
        values["site_id"] = int(site) if site.isdigit() else None
        values["confirm_duplicate"] = form.get("confirm_duplicate") == "on"
    return values


def _form(request: Request, values: dict[str, Any], status_code: int = 200, **context: Any) -> Template:
    return page(
        request,
        "pages/learner_form.html",
        status_code,
        values=values,
        age_bands=AGE_BAND_LABELS,
        genders=GENDER_LABELS,
        statuses=SOCIAL_STATUS_LABELS,
        **context,
    )


@get("/learners", include_in_schema=False, opt=PERSONAL)
async def learner_list(
    request: Request,
    caller: CurrentCaller,
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
    q: FromQuery[str] = "",
) -> Template:
    result = await services.list_learners(caller, PageRequest(page=page_number, per_page=25), q.strip())
    today = clock.today()
    await glance.with_glance(result.rows, today)
    return page(
        request,
        "pages/learners.html",
        result=result,
        q=q,
        today=today,
        socle_labels=glance.SOCLE_LABELS,
        ago=glance.ago,
    )


@get("/learners/search", include_in_schema=False, opt=PERSONAL)
async def search(
    caller: CurrentCaller,
    q: Annotated[str, QueryParameter(max_length=100)] = "",
    exclude: Annotated[str, QueryParameter(max_length=2000)] = "",
) -> list[dict[str, Any]]:
    """The learner picker's suggestions as someone types: the best few files of the caller's sites, without
    those already chosen (`exclude`: ids separated by commas)."""
    if len(q.strip()) < 2:
        return []
    chosen = {int(part) for part in exclude.split(",") if part.strip().isdigit() and len(part.strip()) < 19}
    return await search_learners(caller, q, exclude=chosen)


@get("/learners/new", include_in_schema=False, opt=PERSONAL)
async def create_form(request: Request) -> Template:
    return _form(request, {"gender": "non_communique", "social_status": "non_communique"})


@post("/learners/new", include_in_schema=False, opt=PERSONAL)
async def create(request: Request, caller: CurrentCaller) -> Template | Redirect:
    form = await request.form()
    values = learner_values(form, creating=True)
    try:
        learner = await services.create_learner(caller, convert_form(values, LearnerCreate))
    except InvalidData as exc:
        return _form(request, dict(form), 422, errors=exc.fields)
    except Conflict as exc:
        existing = exc.fields.get("existing_learner", "")
        return _form(request, dict(form), 409, duplicate=exc.message, existing=existing)
    return Redirect(f"/learners/{learner['id']}?saved=1", status_code=303)


@get("/learners/{learner_id:int}", include_in_schema=False, opt=PERSONAL)
async def learner_detail(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template:
    learner = await services.get_learner(caller, learner_id)
    progress = await progression(caller, learner_id, audit=False)  # the file's view is already audited
    activities = await list_activities(caller, PageRequest(per_page=20), {"learner": learner_id})
    vouchers = await learner_vouchers(caller, learner_id)
    certificates = await list_certificates(caller, PageRequest(per_page=20), learner_id=learner_id)
    return page(
        request,
        "pages/learner.html",
        learner=learner,
        progress=progress,
        chart=progression_chart(progress),
        activities=activities,
        vouchers=vouchers,
        certificates=certificates,
        labels={"age_band": AGE_BAND_LABELS, "gender": GENDER_LABELS, "social_status": SOCIAL_STATUS_LABELS},
    )


@get("/learners/{learner_id:int}/edit", include_in_schema=False, opt=PERSONAL)
async def edit_form(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template:
    learner = await services.get_learner(caller, learner_id)
    return _form(request, learner, learner=learner)


@post("/learners/{learner_id:int}/edit", include_in_schema=False, opt=PERSONAL)
async def edit(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template | Redirect:
    form = await request.form()
    try:
        patch = convert_form(learner_values(form, creating=False), LearnerPatch)
        await services.update_learner(caller, learner_id, patch)
    except InvalidData as exc:
        learner = await services.get_learner(caller, learner_id)
        return _form(request, dict(form), 422, errors=exc.fields, learner=learner)
    return Redirect(f"/learners/{learner_id}?saved=1", status_code=303)


@get("/learners/{learner_id:int}/anonymise", include_in_schema=False, opt=PERSONAL)
async def confirm_anonymise(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template:
    return page(request, "pages/learner_anonymise.html", learner=await services.get_learner(caller, learner_id))


@post("/learners/{learner_id:int}/anonymise", include_in_schema=False, opt=PERSONAL)
async def anonymise(caller: CurrentCaller, learner_id: FromPath[int]) -> Redirect:
    await lifecycle.anonymise_on_request(caller, learner_id)
    return Redirect("/learners?anonymised=1", status_code=303)


@get("/learners/{learner_id:int}/merge", include_in_schema=False, opt=PERSONAL)
async def confirm_merge(
    request: Request,
    caller: CurrentCaller,
    learner_id: FromPath[int],
    duplicate_text: Annotated[str, QueryParameter(name="duplicate", max_length=12)] = "",
    typed: Annotated[str, QueryParameter(name="duplicate_q", max_length=100)] = "",
) -> Template:
    """Both files side by side before merging. The duplicate comes from the learner picker, or (without
    JavaScript) from the name typed: one match is taken, several are offered to choose from."""
    keep = await services.get_learner(caller, learner_id)
    found: list[dict[str, Any]] = []
    if not duplicate_text and typed.strip():
        found = await search_learners(caller, typed, limit=20, exclude={learner_id})
        if len(found) == 1:
            duplicate_text, found = str(found[0]["id"]), []
    duplicate, error = None, ""
    if found:
        error = "Plusieurs fiches correspondent : choisissez la fiche en double."
    elif typed.strip() and not duplicate_text:
        error = f"Aucune autre fiche ne correspond à « {typed.strip()} »."
    elif not duplicate_text.isdigit() or int(duplicate_text) == learner_id:
        error = "Choisissez la fiche en double : tapez quelques lettres de son nom."
    else:
        try:
            duplicate = await services.get_learner(caller, int(duplicate_text))
        except NotFound:
            error = f"Aucune fiche n° {duplicate_text} sur vos sites."
    status = 200 if duplicate or found else 422
    context = {"keep": keep, "duplicate": duplicate, "error": error, "found": found, "query": typed}
    return page(request, "pages/learner_merge.html", status, **context)


@post("/learners/{learner_id:int}/merge", include_in_schema=False, opt=PERSONAL)
async def merge(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Redirect:
    form = await request.form()
    duplicate = str(form.get("duplicate", ""))
    if not duplicate.isdigit():
        raise InvalidData({"duplicate": "Indiquez le numéro d'une autre fiche."})
    await lifecycle.merge(caller, learner_id, int(duplicate))
    return Redirect(f"/learners/{learner_id}?merged=1", status_code=303)


@get("/learners/{learner_id:int}/export", include_in_schema=False, opt=PERSONAL)
async def export_page(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template:
    return page(request, "pages/learner_export.html", data=await export_service.export(caller, learner_id))


LEARNER_PAGES = [
    learner_list,
    search,
    create_form,
    create,
    learner_detail,
    edit_form,
    edit,
    confirm_anonymise,
    anonymise,
    confirm_merge,
    merge,
    export_page,
]
