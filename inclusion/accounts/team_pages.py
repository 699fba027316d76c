"""The team page: list the accounts of the caller's sites; add one, deactivate it (after a confirmation),
reactivate it, give it a new password. A generated password is shown once, on the answer to the POST."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from inclusion.accounts import team, users
from inclusion.errors import Conflict, InvalidData
from inclusion.scoping import ROLE_LABELS, Caller, Role
from inclusion.sites import services as site_services
from inclusion.storage.pagination import PageRequest
from inclusion.storage.tables.sites import Site
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

MANAGERS = {"personal_data": True, "roles": team.MANAGERS}
NO_STORE = {"Cache-Control": "no-store"}
SITE_CHOICES = 200  # beyond, an administrator gives sites through the API


async def _site_names(site_ids: set[int]) -> dict[int, str]:
    if not site_ids:
        return {}
    rows = await Site.select(Site.id, Site.name).where(Site.id.is_in(sorted(site_ids))).run()
    return {row["id"]: row["name"] for row in rows}


@get("/team", include_in_schema=False, opt=MANAGERS)
async def team_list(
    request: Request,
    caller: CurrentCaller,
    q: FromQuery[str] = "",
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Template:
    result = await users.list_users(caller, PageRequest(page=page_number, per_page=50), q.strip()[:100])
    names = await _site_names({site for row in result.rows for site in row["site_ids"]})
    for row in result.rows:
        row["manageable"] = team.can_manage(caller, row)
        row["site_names"] = [names.get(site, f"site n° {site}") for site in row["site_ids"]]
    return page(request, "pages/team.html", result=result, q=q, done=request.query_params.get("done", ""))


async def _form(request: Request, caller: Caller, values: dict[str, Any], status: int = 200, **context) -> Template:
    sites = await site_services.list_sites(caller, PageRequest(per_page=SITE_CHOICES))
    roles = {role.value: ROLE_LABELS[role] for role in team.roles_for(caller)}
    return page(request, "pages/team_form.html", status, values=values, sites=sites.rows, roles=roles, **context)


@get("/team/new", include_in_schema=False, opt=MANAGERS)
async def new_member_form(request: Request, caller: CurrentCaller) -> Template:
    mine = sorted(caller.site_ids)
    return await _form(request, caller, {"role": Role.adviser.value, "site_ids": mine if len(mine) == 1 else []})


@post("/team/new", include_in_schema=False, opt=MANAGERS)
async def add_member(request: Request, caller: CurrentCaller) -> Template:
    form = await request.form()
    values = {
        "email": str(form.get("email", "")).strip(),
        "display_name": str(form.get("display_name", "")).strip(),
        "role": str(form.get("role", Role.adviser.value)),
        "site_ids": sorted({int(v) for v in form.getall("site_ids", []) if str(v).isdigit()}),
    }
    if values["role"] not in Role.__members__:
        return await _form(request, caller, values, 422, errors={"role": "Choisissez un rôle de la liste."})
    try:
        row, password = await team.add_member(
            caller, values["email"], values["display_name"], Role(values["role"]), values["site_ids"]
        )
    except InvalidData as exc:
        return await _form(request, caller, values, 422, errors=exc.fields)
    except Conflict as exc:
        return await _form(request, caller, values, 409, errors={"email": exc.message})
    response = page(request, "pages/team_password.html", 201, account=row, password=password, created=True)
    response.headers.update(NO_STORE)
    return response


@get("/team/{user_id:int}/deactivate", include_in_schema=False, opt=MANAGERS)
async def confirm_deactivate(request: Request, caller: CurrentCaller, user_id: FromPath[int]) -> Template:
    account = await team.manageable(caller, user_id)
    return page(request, "pages/team_confirm.html", account=account, action="deactivate")


@post("/team/{user_id:int}/deactivate", include_in_schema=False, opt=MANAGERS)
async def deactivate(caller: CurrentCaller, user_id: FromPath[int]) -> Redirect:
    await team.deactivate(caller, user_id)
    return Redirect("/team?done=deactivated", status_code=303)


@post("/team/{user_id:int}/reactivate", include_in_schema=False, opt=MANAGERS)
async def reactivate(caller: CurrentCaller, user_id: FromPath[int]) -> Redirect:
    await team.reactivate(caller, user_id)
    return Redirect("/team?done=reactivated", status_code=303)


@get("/team/{user_id:int}/password", include_in_schema=False, opt=MANAGERS)
async def confirm_reset(request: Request, caller: CurrentCaller, user_id: FromPath[int]) -> Template:
    account = await team.manageable(caller, user_id)
    return page(request, "pages/team_confirm.html", account=account, action="password")


@post("/team/{user_id:int}/password", include_in_schema=False, opt=MANAGERS)
async def reset_password(request: Request, caller: CurrentCaller, user_id: FromPath[int]) -> Template:
    row, password = await team.reset_password(caller, user_id)
    response = page(request, "pages/team_password.html", account=row, password=password, created=False)
    response.headers.update(NO_STORE)
    return response


TEAM_PAGES = [
    team_list,
    new_member_form,
    add_member,
    confirm_deactivate,
    deactivate,
    reactivate,
    confirm_reset,
    reset_password,
]
