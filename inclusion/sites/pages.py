"""Site pages: my sites, one site, the edit form and (for admins) the creation form."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from inclusion.errors import InvalidData, PermissionDenied
from inclusion.scoping import Role
from inclusion.sites import calendar, services
from inclusion.sites.api import calendar_response, feed_host
from inclusion.sites.forms import field_of, hours_text, site_values
from inclusion.sites.publication import CALENDAR_PREFIX
from inclusion.sites.schemas import (
    KIND_LABELS,
    SiteCreate,
    SiteKind,
    SitePatch,
    Weekday,
)
from inclusion.sites.standard import LISTS
from inclusion.storage.pagination import PageRequest
from inclusion.web.forms import convert_form
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

ADMIN = {"roles": {Role.admin}}


@get("/sites", include_in_schema=False)
async def site_list(
    request: Request,
    caller: CurrentCaller,
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
    q: FromQuery[str] = "",
) -> Template:
    result = await services.list_sites(caller, PageRequest(page=page_number, per_page=25), q.strip())
    return page(request, "pages/sites.html", result=result, q=q)


@get("/sites/{site_id:int}", include_in_schema=False)
async def site_detail(request: Request, caller: CurrentCaller, site_id: FromPath[int]) -> Template:
    site = await services.get_site(caller, site_id)
    return page(
        request,
        "pages/site.html",
        site=site,
        hours=hours_text(site["opening_hours"]),
        can_edit=caller.role in services.EDITORS,
        is_staff=caller.role != Role.funder,
        lists=LISTS,
        base_url=request.app.state.settings.base_url.rstrip("/"),
    )


@post("/sites/{site_id:int}/calendar", include_in_schema=False)
async def calendar_switch(request: Request, caller: CurrentCaller, site_id: FromPath[int]) -> Redirect:
    """Open or close the public calendar, or give it a new link (the old one stops working)."""
    action = str((await request.form()).get("action", ""))
    changes = {"open": {"calendar_public": True}, "close": {"calendar_public": False}}
    changes["renew"] = {"new_calendar_link": True}
    if action not in changes:
        raise InvalidData({"action": "Action inconnue."})
    await services.update_site(caller, site_id, convert_form(changes[action], SitePatch))
    return Redirect(f"/sites/{site_id}?calendar={action}#agenda", status_code=303)


def _form(request: Request, values: dict[str, Any], status_code: int = 200, **context: Any) -> Template:
    return page(
        request,
        "pages/site_form.html",
        status_code,
        values=values,
        kinds=KIND_LABELS,
        lists=LISTS,
        weekdays=[day.value for day in Weekday],
        **context,
    )


def _errors(exc: InvalidData) -> dict[str, str]:
    return {field_of(field): message for field, message in exc.fields.items()}


def _submitted(form: Any) -> dict[str, Any]:
    """The form as typed, ticked boxes as lists, to show it again with its errors."""
    return {**dict(form), **{name: form.getall(name, []) for name in LISTS}}


def _form_values(site: dict[str, Any]) -> dict[str, Any]:
    return {
        **site,
        "siret": site["siret"] or "",
        "rna": site["rna"] or "",
        "latitude": "" if site["latitude"] is None else site["latitude"],
        "longitude": "" if site["longitude"] is None else site["longitude"],
        **{f"hours_{d}": t for d, t in hours_text(site["opening_hours"]).items()},
    }


@get("/sites/{site_id:int}/edit", include_in_schema=False)
async def edit_form(request: Request, caller: CurrentCaller, site_id: FromPath[int]) -> Template:
    site = await services.get_site(caller, site_id)
    if caller.role not in services.EDITORS:
        raise PermissionDenied("Seuls les coordinateurs du site et les administrateurs peuvent le modifier.")
    return _form(request, _form_values(site), site=site)


@post("/sites/{site_id:int}/edit", include_in_schema=False)
async def edit(request: Request, caller: CurrentCaller, site_id: FromPath[int]) -> Template | Redirect:
    site = await services.get_site(caller, site_id)
    form = await request.form()
    try:
        values = site_values(form)
        await services.update_site(caller, site_id, convert_form(values, SitePatch))
    except InvalidData as exc:
        return _form(request, _submitted(form), 422, site=site, errors=_errors(exc))
    return Redirect(f"/sites/{site_id}?saved=1", status_code=303)


@get("/sites/new", include_in_schema=False, opt=ADMIN)
async def create_form(request: Request) -> Template:
    return _form(request, {"kind": SiteKind.france_services.value})


@post("/sites/new", include_in_schema=False, opt=ADMIN)
async def create(request: Request, caller: CurrentCaller) -> Template | Redirect:
    form = await request.form()
    try:
        site = await services.create_site(caller, convert_form(site_values(form), SiteCreate))
    except InvalidData as exc:
        return _form(request, _submitted(form), 422, errors=_errors(exc))
    return Redirect(f"/sites/{site['id']}?saved=1", status_code=303)


@get(f"{CALENDAR_PREFIX}{{token:str}}", include_in_schema=False, opt={"public": True}, media_type="text/calendar")
async def public_calendar(request: Request, token: FromPath[str]) -> Response[bytes]:
    """A site's upcoming workshops, without login, while its coordinator keeps the calendar public."""
    site = await calendar.public_site(token.removesuffix(".ics"))
    return calendar_response(await calendar.site_feed(site["id"], feed_host(request)), site["id"])


SITE_PAGES = [site_list, site_detail, edit_form, edit, create_form, create, calendar_switch, public_calendar]
