"""Feedback pages: an activity's page for asking opinions, the questionnaire handed over on the adviser's
phone, and the public questionnaire a workshop's QR code opens (no login, no menu, no name anywhere)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inclusion import clock
from inclusion.accounts.guards import STAFF
from inclusion.documents.qr import qr_data_uri
from inclusion.errors import Conflict, Gone, InvalidData, NotFound
from inclusion.feedback import forms, services
from inclusion.feedback.api import count_public_answer, link_url
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

PUBLIC = {"public": True}
CLOSED_STATUS = {NotFound: 404, Gone: 410, Conflict: 409}


def describe(activity: dict[str, Any]) -> str:
    """What the page calls the activity: never the name of the person it was with."""
    day = clock.long_day(activity["date"])
    if activity["type"] == "collectif":
        return f"l'atelier « {activity['title']} » du {day}"
    return f"la séance individuelle du {day}"


async def _hub(request: Request, caller, activity_id: int, status_code: int = 200, **context) -> Template:
    activity = await services.activity_for(caller, activity_id)
    counts = await services.counts(caller, activity)
    open_links = [link for link in counts["links"] or [] if link["open"]]
    link = open_links[-1] if open_links else None
    if link:
        link["url"] = link_url(request, link["token"])
        link["qr"] = qr_data_uri(link["url"], scale=8)
    return page(
        request,
        "pages/feedback_activity.html",
        status_code,
        activity=activity,
        what=describe(activity),
        counts=counts,
        link=link,
        planned=activity["date"] > clock.today(),
        **context,
    )


@get("/activities/{activity_id:int}/avis", include_in_schema=False, opt=STAFF)
async def activity_page(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    """How many people were asked and answered, the button that hands the phone over, and the QR code."""
    return await _hub(request, caller, activity_id, done=request.query_params.get("merci") == "1")


@post("/activities/{activity_id:int}/avis/lien", include_in_schema=False, opt=STAFF)
async def create_link(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Redirect | Template:
    try:
        await services.create_link(caller, activity_id)
    except Conflict as refused:
        return await _hub(request, caller, activity_id, 409, refusal=refused.message)
    return Redirect(f"/activities/{activity_id}/avis#code", status_code=303)


@get("/activities/{activity_id:int}/avis/affiche", include_in_schema=False, opt=STAFF)
async def poster(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    """The QR code on a page to print and pin up in the room."""
    hub = await _hub(request, caller, activity_id)
    if not hub.context["link"]:
        raise NotFound("Aucun lien ouvert pour cet atelier : créez d'abord un code QR.")
    return page(request, "pages/feedback_poster.html", **{k: hub.context[k] for k in ("activity", "what", "link")})


async def _questionnaire(request: Request, status_code: int = 200, **context) -> Template:
    return page(
        request,
        "pages/feedback_questionnaire.html",
        status_code,
        form=await forms.current(),
        key=context.pop("key", None) or services.new_key(),
        values=context.pop("values", {}),
        **context,
    )


def _answers(form_data) -> tuple[str, dict[str, str]]:
    answers = {name[2:]: str(value) for name, value in form_data.items() if name.startswith("q_") and str(value)}
    return str(form_data.get("key", "")), answers


def _errors(invalid: InvalidData) -> dict[str, str]:
    return {field.removeprefix("answers."): message for field, message in invalid.fields.items()}


@get("/activities/{activity_id:int}/avis/questionnaire", include_in_schema=False, opt=STAFF)
async def handed_questionnaire(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    """The questionnaire full screen, for the person to answer on the adviser's phone: no menu, no name."""
    offer = await services.offer_for(caller, activity_id)
    return await _questionnaire(
        request, action=f"/activities/{activity_id}/avis/questionnaire", what=describe(offer["activity"])
    )


@post("/activities/{activity_id:int}/avis/questionnaire", include_in_schema=False, opt=STAFF)
async def handed_answer(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    key, answers = _answers(await request.form())
    action = f"/activities/{activity_id}/avis/questionnaire"
    try:
        await services.answer_by_staff(caller, activity_id, key, answers)
    except InvalidData as invalid:
        return await _questionnaire(request, 422, action=action, key=key, values=answers, errors=_errors(invalid))
    except Conflict as refused:
        return page(
            request, "pages/feedback_thanks.html", 409, refusal=refused.message, back=f"/activities/{activity_id}/avis"
        )
    return page(request, "pages/feedback_thanks.html", back=f"/activities/{activity_id}/avis?merci=1")


async def _open_link(request: Request, token: str) -> dict[str, Any] | Template:
    try:
        return await services.link_by_token(token)
    except (NotFound, Gone, Conflict) as closed:
        return page(request, "pages/feedback_closed.html", CLOSED_STATUS[type(closed)], reason=closed.message)


def _public_what(link: dict[str, Any]) -> str:
    return f"l'atelier « {link['title']} » du {clock.long_day(link['activity_date'])} ({link['site_name']})"


@get("/avis/{token:str}", include_in_schema=False, opt=PUBLIC)
async def public_questionnaire(request: Request, token: FromPath[str]) -> Template:
    """The page a workshop's QR code opens: the questionnaire, anonymous, without an account."""
    link = await _open_link(request, token)
    if isinstance(link, Template):
        return link
    return await _questionnaire(request, action=f"/avis/{token}", what=_public_what(link), public=True)


@post("/avis/{token:str}", include_in_schema=False, opt=PUBLIC)
async def public_answer(request: Request, token: FromPath[str]) -> Template:
    await count_public_answer(request)
    key, answers = _answers(await request.form())
    link = await _open_link(request, token)
    if isinstance(link, Template):
        return link
    try:
        await services.answer_by_link(link, key, answers)
    except InvalidData as invalid:
        errors = _errors(invalid)
        return await _questionnaire(
            request, 422, action=f"/avis/{token}", what=_public_what(link), public=True, key=key, values=answers,
            errors=errors,
        )  # fmt: skip
    except Conflict as closed:  # full meanwhile, or this display already answered
        return page(request, "pages/feedback_closed.html", 409, reason=closed.message)
    return page(request, "pages/feedback_thanks.html", public=True)


FEEDBACK_PAGES = [
    activity_page,
    create_link,
    poster,
    handed_questionnaire,
    handed_answer,
    public_questionnaire,
    public_answer,
]
