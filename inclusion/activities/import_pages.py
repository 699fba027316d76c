"""The import page: a La Coop file (its beneficiaries' template, or an export of its activities; XLSX or CSV) for
one of the caller's sites, checked first ("Vérifier", a dry run) then imported; a refused file lists every bad
line and nothing is written."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Template

from inclusion.accounts.guards import STAFF
from inclusion.activities import coop_import
from inclusion.activities.schemas import CoopImport
from inclusion.errors import InvalidData
from inclusion.learners import importing
from inclusion.learners.schemas import LearnerImport
from inclusion.reports.services import selectable_sites
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

MAX_UPLOAD = 10_000_000
KINDS = {"learners": "Bénéficiaires (fiches apprenants)", "activities": "Activités (export de La Coop)"}


@get("/activities/import", include_in_schema=False, opt=STAFF)
async def import_form(request: Request, caller: CurrentCaller) -> Template:
    sites = await selectable_sites(caller)
    return page(request, "pages/activity_import.html", values={"kind": "learners"}, sites=sites, kinds=KINDS)


@post("/activities/import", include_in_schema=False, opt=STAFF, request_max_body_size=MAX_UPLOAD + 10_000)
async def import_file(request: Request, caller: CurrentCaller) -> Template:
    """Check (dry run) or import the file sent (multipart field `file`)."""
    form = await request.form()
    sites = await selectable_sites(caller)
    values: dict[str, Any] = {"kind": str(form.get("kind", "")), "site": str(form.get("site", "")).strip()}
    dry_run = form.get("action") != "import"
    upload = form.get("file")
    content = await upload.read() if hasattr(upload, "read") else b""
    name = str(getattr(upload, "filename", "") or "")
    try:
        result = await _run(caller, values, content, name, dry_run, sites)
    except InvalidData as error:
        context = {"errors": error.fields, "message": error.message}
        return page(request, "pages/activity_import.html", 422, values=values, sites=sites, kinds=KINDS, **context)
    return page(request, "pages/activity_import.html", values=values, sites=sites, kinds=KINDS, result=result)


async def _run(caller, values: dict[str, Any], content: bytes, name: str, dry_run: bool, sites: list) -> dict:
    if values["kind"] not in KINDS:
        raise InvalidData({"kind": "Choisissez ce que contient le fichier."})
    if not content:
        raise InvalidData({"file": "Choisissez le fichier (XLSX ou CSV)."})
    site = next((s["id"] for s in sites if str(s["id"]) == values["site"]), None)
    if values["site"] and site is None:
        raise InvalidData({"site": "Choisissez un de vos sites dans la liste."})
    body: dict[str, Any] = {"site_id": site, "dry_run": dry_run}
    if content[:2] == b"PK" or name.lower().endswith(".xlsx"):
        body["xlsx"] = content
    else:
        try:
            body["csv"] = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidData({"file": "Le fichier CSV doit être enregistré en UTF-8 (CSV UTF-8)."}) from None
    if values["kind"] == "learners":
        return await importing.import_learners(caller, LearnerImport(**body))
    return await coop_import.import_activities(caller, CoopImport(**body))


IMPORT_PAGES = [import_form, import_file]
