"""Activity pages: the week's list with filters, deletion with confirmation, a site's attendance (the forms:
`pages_forms`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from inclusion import clock
from inclusion import vocabulary as v
from inclusion.accounts.guards import PERSONAL, STAFF
from inclusion.activities import attendance, services
from inclusion.activities.forms import LABELS, days_sentence
from inclusion.activities.pages_forms import FORM_PAGES
from inclusion.activities.rules import occurrence_dates
from inclusion.activities.schemas import SiteDayIn
from inclusion.storage.pagination import MAX_PER_PAGE, PageRequest
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page


@get("/activities", include_in_schema=False, opt=PERSONAL)
async def activity_list(
    request: Request,
    caller: CurrentCaller,
    week: Annotated[str, QueryParameter(max_length=10)] = "",
    type: Annotated[str, QueryParameter(max_length=16)] = "",
    topic: Annotated[str, QueryParameter(max_length=48)] = "",
    saved: Annotated[str, QueryParameter(max_length=2)] = "",
    created: Annotated[str, QueryParameter(max_length=18)] = "",
) -> Template:
    """One week at a time (Monday to Sunday), newest first; empty filters mean none. After a save, `saved` (how
    many) and `week` (the first date) say what was recorded: a weekly series lists its dates; `created` (the first
    activity's id) offers to ask its people for their opinion."""
    try:
        first = date.fromisoformat(week) if week else clock.today()
    except ValueError:
        first = clock.today()
    start = clock.monday_of(first)
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
        today=clock.today(),
        saved=int(saved) if saved.isdigit() else 0,
        created=next((row for row in result.rows if str(row["id"]) == created), None),
        saved_days=days_sentence(occurrence_dates(first, int(saved))) if saved.isdigit() and int(saved) > 1 else "",
    )


@get("/activities/{activity_id:int}/delete", include_in_schema=False, opt=PERSONAL)
async def confirm_delete(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    activity = await services.get_activity(caller, activity_id)
    return page(request, "pages/activity_delete.html", activity=activity, labels=LABELS)


@post("/activities/{activity_id:int}/delete", include_in_schema=False, opt=PERSONAL)
async def delete(caller: CurrentCaller, activity_id: FromPath[int]) -> Redirect:
    activity = await services.get_activity(caller, activity_id)
    await services.delete_activity(caller, activity_id)
    return Redirect(f"/activities?week={activity['date']}&deleted=1", status_code=303)


ACTIVITY_PAGES = [activity_list, *FORM_PAGES, confirm_delete, delete]


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
