"""Activity pages: the week's list with filters, the one-screen form, deletion with confirmation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from inclusion import clock
from inclusion import vocabulary as v
from inclusion.accounts.guards import PERSONAL, STAFF
from inclusion.activities import attendance, recording, services
from inclusion.activities.forms import activity_values, participant_choices, remembered
from inclusion.activities.schemas import ActivityCreate, ActivityPatch, SiteDayIn
from inclusion.errors import InvalidData
from inclusion.storage.pagination import MAX_PER_PAGE, PageRequest
from inclusion.web.forms import convert_form
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

LABELS = {
    "types": v.ACTIVITY_TYPE_LABELS,
    "digital_topics": v.DIGITAL_TOPIC_LABELS,
    "admin_topics": v.ADMIN_TOPIC_LABELS,
    "places": v.PLACE_LABELS,
    "devices": v.DEVICE_LABELS,
    "autonomies": v.AUTONOMY_LABELS,
    "levels": v.LEVEL_LABELS,
    "referrals": v.REFERRAL_LABELS,
    "age_bands": v.AGE_BAND_LABELS,
    "genders": v.GENDER_LABELS,
    "statuses": v.SOCIAL_STATUS_LABELS,
}


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@get("/activities", include_in_schema=False, opt=PERSONAL)
async def activity_list(
    request: Request,
    caller: CurrentCaller,
    week: Annotated[str, QueryParameter(max_length=10)] = "",
    type: Annotated[str, QueryParameter(max_length=16)] = "",
    topic: Annotated[str, QueryParameter(max_length=48)] = "",
) -> Template:
    """One week at a time (Monday to Sunday), newest first; empty filters mean none."""
    try:
        start = monday_of(date.fromisoformat(week)) if week else monday_of(clock.today())
    except ValueError:
        start = monday_of(clock.today())
    filters = {
        "date_from": start,
        "date_to": start + timedelta(days=6),
        "type": type if type in v.ActivityType.__members__ else None,
        "topic": topic or None,
    }
    result = await services.list_activities(caller, PageRequest(per_page=MAX_PER_PAGE), filters)
    return page(
        request,
        "pages/activities.html",
        result=result,
        start=start,
        end=start + timedelta(days=6),
        previous=start - timedelta(weeks=1),
        following=start + timedelta(weeks=1),
        type=type,
        topic=topic,
        labels=LABELS,
    )


async def _form(request: Request, caller, values: dict[str, Any], status_code: int = 200, **context: Any) -> Template:
    chosen = [p["learner_id"] for p in values.get("participants", [])]
    absent = {p["learner_id"] for p in values.get("participants", []) if not p["present"]}
    query = str(values.get("participant_q", ""))
    return page(
        request,
        "pages/activity_form.html",
        status_code,
        values=values,
        choices=await participant_choices(caller, query, chosen),
        absent=absent,
        labels=LABELS,
        **context,
    )


@get("/activities/new", include_in_schema=False, opt=PERSONAL)
async def create_form(request: Request, caller: CurrentCaller) -> Template:
    defaults = await remembered(caller)
    return await _form(request, caller, {**defaults, "digital_topics": defaults.get("last_topics", [])})


@post("/activities/new", include_in_schema=False, opt=PERSONAL)
async def create(request: Request, caller: CurrentCaller) -> Template | Redirect:
    form = await request.form()
    values = activity_values(form)
    shown = {**values, "participant_q": str(form.get("participant_q", ""))}
    if form.get("action") == "search":
        return await _form(request, caller, shown)
    try:
        ids = await recording.create_activities(caller, convert_form(values, ActivityCreate))
    except InvalidData as exc:
        return await _form(request, caller, shown, 422, errors=exc.fields)
    return Redirect(f"/activities?week={values['date']}&saved={len(ids)}", status_code=303)


@get("/activities/{activity_id:int}/edit", include_in_schema=False, opt=PERSONAL)
async def edit_form(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    activity = await services.get_activity(caller, activity_id)
    return await _form(request, caller, activity, activity=activity)


@post("/activities/{activity_id:int}/edit", include_in_schema=False, opt=PERSONAL)
async def edit(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template | Redirect:
    activity = await services.get_activity(caller, activity_id)
    form = await request.form()
    values = {**activity_values(form), "type": activity["type"]}
    shown = {**values, "participant_q": str(form.get("participant_q", ""))}
    if form.get("action") == "search":
        return await _form(request, caller, shown, activity=activity)
    changes = {key: value for key, value in values.items() if key != "type"}
    try:
        await services.update_activity(caller, activity_id, convert_form(changes, ActivityPatch))
    except InvalidData as exc:
        return await _form(request, caller, shown, 422, errors=exc.fields, activity=activity)
    return Redirect(f"/activities?week={values.get('date', activity['date'])}&saved=1", status_code=303)


@get("/activities/{activity_id:int}/delete", include_in_schema=False, opt=PERSONAL)
async def confirm_delete(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    activity = await services.get_activity(caller, activity_id)
    return page(request, "pages/activity_delete.html", activity=activity, labels=LABELS)


@post("/activities/{activity_id:int}/delete", include_in_schema=False, opt=PERSONAL)
async def delete(caller: CurrentCaller, activity_id: FromPath[int]) -> Redirect:
    activity = await services.get_activity(caller, activity_id)
    await services.delete_activity(caller, activity_id)
    return Redirect(f"/activities?week={activity['date']}&deleted=1", status_code=303)


ACTIVITY_PAGES = [activity_list, create_form, create, edit_form, edit, confirm_delete, delete]


@get("/sites/{site_id:int}/attendance", include_in_schema=False)
async def attendance_page(request: Request, caller: CurrentCaller, site_id: FromPath[int]) -> Template:
    """The last 14 days of a site: open or closed, visitors, activities; today's line is a form."""
    today = clock.today()
    days = {row["day"]: row for row in await attendance.list_days(caller, site_id, today - timedelta(days=13), today)}
    rows = [days.get(today - timedelta(days=n), {"day": today - timedelta(days=n)}) for n in range(14)]
    return page(request, "pages/attendance.html", site_id=site_id, rows=rows, today=today)


@post("/sites/{site_id:int}/attendance", include_in_schema=False, opt={"roles": STAFF["roles"]})
async def record_attendance(request: Request, caller: CurrentCaller, site_id: FromPath[int]) -> Redirect:
    form = await request.form()
    visitors = str(form.get("visitors", "0")).strip()
    data = SiteDayIn(open=form.get("open") == "on", visitors=int(visitors) if visitors.isdigit() else 0)
    day = date.fromisoformat(str(form.get("day"))) if str(form.get("day", "")) else clock.today()
    await attendance.record_day(caller, site_id, day, data)
    return Redirect(f"/sites/{site_id}/attendance?saved=1", status_code=303)


ACTIVITY_PAGES += [attendance_page, record_attendance]
