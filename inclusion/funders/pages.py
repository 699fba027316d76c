"""Administrators' pages for funders: the list, a new funder, its grants and its accounts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inclusion.errors import InvalidData
from inclusion.funders import services
from inclusion.funders.schemas import FUNDER_TYPE_LABELS, FunderCreate, FunderPatch, GrantIn
from inclusion.scoping import Role
from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.sites import Site
from inclusion.web.forms import convert_form
from inclusion.web.templates import page

ADMIN = {"roles": {Role.admin}}
TYPES = {kind.value: label for kind, label in FUNDER_TYPE_LABELS.items()}


@get("/funders", include_in_schema=False, opt=ADMIN)
async def funder_list(request: Request) -> Template:
    return page(request, "pages/funders.html", funders=await services.list_funders(), types=TYPES, values={})


@post("/funders", include_in_schema=False, opt=ADMIN)
async def create_funder(request: Request) -> Template | Redirect:
    form = await request.form()
    values = {"name": str(form.get("name", "")).strip(), "type": str(form.get("type", ""))}
    try:
        funder = await services.create_funder(convert_form(values, FunderCreate))
    except InvalidData as exc:
        funders = await services.list_funders()
        return page(request, "pages/funders.html", 422, funders=funders, types=TYPES, values=values, errors=exc.fields)
    return Redirect(f"/funders/{funder['id']}?saved=1", status_code=303)


async def _detail(request: Request, funder_id: int, status_code: int = 200, **context: Any) -> Template:
    funder = await services.get_funder(funder_id)
    sites = await Site.select(Site.id, Site.name).order_by(Site.name).run()
    accounts = await User.select(User.id, User.email, User.display_name).where(User.role == Role.funder.value).run()
    return page(
        request,
        "pages/funder.html",
        status_code,
        funder=funder,
        sites=sites,
        site_names={site["id"]: site["name"] for site in sites},
        accounts=accounts,
        types=TYPES,
        **{"values": {}, "errors": {}, **context},
    )


@get("/funders/{funder_id:int}", include_in_schema=False, opt=ADMIN)
async def funder_detail(request: Request, funder_id: FromPath[int]) -> Template:
    return await _detail(request, funder_id)


def _cents(raw: str) -> int | None:
    raw = raw.strip().replace(" ", "").replace("\u202f", "").replace(",", ".")
    if not raw:
        return None
    try:
        return int(Decimal(raw) * 100)
    except InvalidOperation:
        raise InvalidData({"amount": "Montant invalide : indiquez des euros, par exemple 15000 ou 15000,50."}) from None


@post("/funders/{funder_id:int}/grants", include_in_schema=False, opt=ADMIN)
async def add_grant(request: Request, funder_id: FromPath[int]) -> Template | Redirect:
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ("site_id", "starts_on", "ends_on", "amount")}
    try:
        grant = {key: values[key] for key in ("site_id", "starts_on", "ends_on") if values[key]}
        await services.add_grant(funder_id, convert_form({**grant, "amount_cents": _cents(values["amount"])}, GrantIn))
    except InvalidData as exc:
        return await _detail(request, funder_id, 422, values=values, errors=exc.fields)
    return Redirect(f"/funders/{funder_id}?saved=1", status_code=303)


@post("/funders/{funder_id:int}/grants/{grant_id:int}/delete", include_in_schema=False, opt=ADMIN)
async def delete_grant(funder_id: FromPath[int], grant_id: FromPath[int]) -> Redirect:
    await services.delete_grant(funder_id, grant_id)
    return Redirect(f"/funders/{funder_id}?saved=1", status_code=303)


@post("/funders/{funder_id:int}/accounts", include_in_schema=False, opt=ADMIN)
async def set_accounts(request: Request, funder_id: FromPath[int]) -> Template | Redirect:
    form = await request.form()
    user_ids = [int(value) for value in form.getall("user_ids", []) if str(value).isdigit()]
    try:
        await services.update_funder(funder_id, FunderPatch(user_ids=user_ids))
    except InvalidData as exc:
        return await _detail(request, funder_id, 422, errors=exc.fields)
    return Redirect(f"/funders/{funder_id}?saved=1", status_code=303)


FUNDER_PAGES = [funder_list, create_funder, funder_detail, add_grant, delete_grant, set_accounts]
