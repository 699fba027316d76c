"""Stock pages: recording a booklet (range or list), importing a CSV, and the schemes (administrator)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inclusion.errors import InvalidData
from inclusion.scoping import Role
from inclusion.sites.services import list_sites
from inclusion.storage.pagination import MAX_PER_PAGE, PageRequest
from inclusion.vocabulary import PRESCRIBER_TYPE_LABELS
from inclusion.vouchers import booklet_import, booklets, schemes
from inclusion.vouchers.schemas import BookletCreate, BookletImport, SchemeCreate, SchemePatch
from inclusion.web.forms import convert_form
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

STOCK = {"roles": {Role.admin, Role.coordinator}}
ADMIN = {"roles": {Role.admin}}
MAX_UPLOAD = 2_000_000


def _number(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() else None


def euros_to_cents(raw: Any) -> int | str:
    """'10', '10,50' or '10.5' → cents; anything else is returned as typed, for the field's message."""
    text = str(raw or "").strip().replace("€", "").replace(" ", "").replace(",", ".")
    try:
        return round(float(text) * 100) if text else ""
    except ValueError:
        return text


async def _choices(caller) -> dict[str, Any]:
    sites = (await list_sites(caller, PageRequest(per_page=MAX_PER_PAGE))).rows
    return {"sites": sites, "schemes": await schemes.list_schemes(caller), "prescribers": PRESCRIBER_TYPE_LABELS}


async def _booklet_form(request: Request, caller, values: dict, status: int = 200, **context: Any) -> Template:
    return page(request, "pages/booklet_form.html", status, values=values, **await _choices(caller), **context)


@get("/booklets/new", include_in_schema=False, opt=STOCK)
async def booklet_form(request: Request, caller: CurrentCaller) -> Template:
    return await _booklet_form(request, caller, {"prescriber_type": "caf"})


@post("/booklets/new", include_in_schema=False, opt=STOCK)
async def create_booklet(request: Request, caller: CurrentCaller) -> Template | Redirect:
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in ("number", "prescriber_name", "prescriber_type")}
    values |= {"scheme_id": _number(form.get("scheme_id")), "site_id": _number(form.get("site_id"))}
    for name in ("received_on", "first_number", "last_number"):
        if raw := str(form.get(name, "")).strip():
            values[name] = raw
    values["numbers"] = [line.strip() for line in str(form.get("numbers", "")).splitlines() if line.strip()]
    shown = {**values, "numbers": str(form.get("numbers", ""))}
    try:
        booklet = await booklets.create_booklet(caller, convert_form(values, BookletCreate))
    except InvalidData as error:
        return await _booklet_form(request, caller, shown, 422, errors=error.fields)
    return Redirect(f"/vouchers?booklet={booklet['number']}", status_code=303)


@get("/booklets/import", include_in_schema=False, opt=STOCK)
async def import_form(request: Request, caller: CurrentCaller) -> Template:
    return page(request, "pages/booklet_import.html", values={}, **await _choices(caller))


@post("/booklets/import", include_in_schema=False, opt=STOCK, request_max_body_size=MAX_UPLOAD + 10_000)
async def import_csv(request: Request, caller: CurrentCaller) -> Template | Redirect:
    """A CSV uploaded with the form (multipart); refused whole with every bad line listed."""
    form = await request.form()
    upload = form.get("file")
    content = await upload.read() if hasattr(upload, "read") else b""
    values = {"scheme_id": _number(form.get("scheme_id")), "site_id": _number(form.get("site_id"))}
    if raw := str(form.get("received_on", "")).strip():
        values["received_on"] = raw
    try:
        if not content:
            raise InvalidData({"file": "Choisissez le fichier CSV des Pass."})
        try:
            values["csv"] = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidData({"file": "Le fichier doit être enregistré en UTF-8 (CSV UTF-8)."}) from None
        result = await booklet_import.import_booklets(caller, convert_form(values, BookletImport))
    except InvalidData as error:
        shown = {key: value for key, value in values.items() if key != "csv"}
        context = {"values": shown, "errors": error.fields, "message": error.message}
        return page(request, "pages/booklet_import.html", 422, **context, **await _choices(caller))
    return Redirect(f"/vouchers?imported={result['vouchers']}", status_code=303)


@get("/voucher-schemes", include_in_schema=False, opt=ADMIN)
async def scheme_list(request: Request, caller: CurrentCaller) -> Template:
    sites = {site["id"]: site["name"] for site in (await _choices(caller))["sites"]}
    return page(request, "pages/schemes.html", schemes=await schemes.list_schemes(caller), site_names=sites)


def _scheme_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in ("name", "operator", "valid_until")}
    values["face_value"] = str(form.get("face_value", "")).strip()
    values["face_value_cents"] = euros_to_cents(values["face_value"])
    for name in ("tolerance_days", "minutes_per_voucher"):
        raw = str(form.get(name, "")).strip()
        values[name] = int(raw) if raw.isdigit() else raw
    values["site_ids"] = [int(site) for site in form.getall("site_ids", []) if str(site).isdigit()]
    return values


def _without_text(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name != "face_value"}


async def _scheme_form(request: Request, caller, values: dict, status: int = 200, **context: Any) -> Template:
    sites = (await _choices(caller))["sites"]
    if "face_value" not in values and isinstance(values.get("face_value_cents"), int):
        values = {**values, "face_value": f"{values['face_value_cents'] / 100:.2f}".replace(".", ",")}
    errors = {
        "face_value" if name == "face_value_cents" else name: text for name, text in context.pop("errors", {}).items()
    }
    return page(request, "pages/scheme_form.html", status, values=values, sites=sites, errors=errors, **context)


@get("/voucher-schemes/new", include_in_schema=False, opt=ADMIN)
async def scheme_new(request: Request, caller: CurrentCaller) -> Template:
    return await _scheme_form(request, caller, {"tolerance_days": 0, "minutes_per_voucher": 120, "site_ids": []})


@post("/voucher-schemes/new", include_in_schema=False, opt=ADMIN)
async def scheme_create(request: Request, caller: CurrentCaller) -> Template | Redirect:
    values = _scheme_values(await request.form())
    try:
        await schemes.create_scheme(caller, convert_form(_without_text(values), SchemeCreate))
    except InvalidData as error:
        return await _scheme_form(request, caller, values, 422, errors=error.fields)
    return Redirect("/voucher-schemes?saved=1", status_code=303)


@get("/voucher-schemes/{scheme_id:int}/edit", include_in_schema=False, opt=ADMIN)
async def scheme_edit_form(request: Request, caller: CurrentCaller, scheme_id: FromPath[int]) -> Template:
    scheme = await schemes.get_scheme(caller, scheme_id)
    return await _scheme_form(request, caller, scheme, scheme=scheme)


@post("/voucher-schemes/{scheme_id:int}/edit", include_in_schema=False, opt=ADMIN)
async def scheme_edit(request: Request, caller: CurrentCaller, scheme_id: FromPath[int]) -> Template | Redirect:
    scheme = await schemes.get_scheme(caller, scheme_id)
    values = _scheme_values(await request.form())
    try:
        await schemes.update_scheme(caller, scheme_id, convert_form(_without_text(values), SchemePatch))
    except InvalidData as error:
        return await _scheme_form(request, caller, values, 422, errors=error.fields, scheme=scheme)
    return Redirect("/voucher-schemes?saved=1", status_code=303)


STOCK_PAGES = [
    booklet_form,
    create_booklet,
    import_form,
    import_csv,
    scheme_list,
    scheme_new,
    scheme_create,
    scheme_edit_form,
    scheme_edit,
]
