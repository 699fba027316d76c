"""Certificate pages: issue from a learner's file, revoke with confirmation, a workshop cycle's ZIP,
and the public verification page (no login, rate-limited, PDF upload check)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from msgspec import convert

from inclusion import clock
from inclusion.accounts.guards import STAFF
from inclusion.certificates import batches, codes, services, verification
from inclusion.certificates.api import REVOKERS
from inclusion.certificates.schemas import CertificateCreate, UploadCheck, Verification
from inclusion.errors import Conflict, InvalidData, NotFound
from inclusion.learners.services import get_learner
from inclusion.web.errors import wants_json
from inclusion.web.forms import convert_form
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

PUBLIC = {"public": True}


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


async def _issue_form(request: Request, caller, learner_id: int, values: dict, status_code: int = 200, **context):
    learner = await get_learner(caller, learner_id)
    values = {"period_start": learner["first_visit_on"].isoformat(), "period_end": clock.today().isoformat(), **values}
    return page(request, "pages/certificate_form.html", status_code, learner=learner, values=values, **context)


@get("/learners/{learner_id:int}/certificates/new", include_in_schema=False, opt=STAFF)
async def issue_form(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template:
    return await _issue_form(request, caller, learner_id, {})


@post("/learners/{learner_id:int}/certificates/new", include_in_schema=False, opt=STAFF)
async def issue(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template | Redirect:
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in ("period_start", "period_end")}
    fields = {name: value or None for name, value in values.items()}
    try:
        data = convert_form({"learner_id": learner_id, **fields, "force": form.get("force") == "1"}, CertificateCreate)
        certificate = await services.issue(caller, data, request.app.state.settings.base_url)
    except InvalidData as exc:
        return await _issue_form(request, caller, learner_id, values, 422, errors=exc.fields)
    except Conflict as exc:
        if "force" in exc.fields:  # no activity in the period: the same form, with a warning to confirm
            return await _issue_form(request, caller, learner_id, values, 409, confirm=exc.message)
        return await _issue_form(request, caller, learner_id, values, 409, refused=exc.message)
    return Redirect(f"/learners/{learner_id}?certified={certificate['id']}#attestations", status_code=303)


@get("/certificates/{certificate_id:int}/revoke", include_in_schema=False, opt=REVOKERS)
async def confirm_revoke(request: Request, caller: CurrentCaller, certificate_id: FromPath[int]) -> Template:
    certificate = await services.get_certificate(caller, certificate_id)
    return page(request, "pages/certificate_revoke.html", certificate=certificate, values={})


@post("/certificates/{certificate_id:int}/revoke", include_in_schema=False, opt=REVOKERS)
async def revoke(request: Request, caller: CurrentCaller, certificate_id: FromPath[int]) -> Template | Redirect:
    form = await request.form()
    reason = str(form.get("reason", ""))
    try:
        certificate = await services.revoke(caller, certificate_id, reason)
    except InvalidData as exc:
        certificate = await services.get_certificate(caller, certificate_id)
        values = {"reason": reason}
        return page(
            request, "pages/certificate_revoke.html", 422, certificate=certificate, values=values, errors=exc.fields
        )
    return Redirect(f"/learners/{certificate['learner_id']}?revoked=1#attestations", status_code=303)


@get("/activities/{activity_id:int}/certificates", include_in_schema=False, opt=STAFF)
async def cycle_page(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    return page(request, "pages/certificate_cycle.html", cycle=await batches.cycle(caller, activity_id))


@post(
    "/activities/{activity_id:int}/certificates",
    include_in_schema=False,
    opt=STAFF,
    status_code=200,
    media_type=MediaType.HTML,
)
async def cycle_zip(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Response | Template:
    """Every eligible participant's certificate for the cycle's dates, in one ZIP (issued once, then reused)."""
    workshop = await batches.cycle(caller, activity_id)
    eligible = [person["learner_id"] for person in workshop["participants"] if person["eligible"]]
    results = await batches.issue_many(
        caller, eligible, workshop["start"], workshop["end"], request.app.state.settings.base_url
    )
    documents = [(batches.file_name(row), pdf) for _, row, pdf in results if row is not None]
    if not documents:
        refusals = {learner_id: reason for learner_id, row, reason in results if row is None}
        message = "Aucune attestation à télécharger : aucun participant ne remplit les conditions."
        return page(request, "pages/certificate_cycle.html", 409, cycle=workshop, refused=message, refusals=refusals)
    return Response(
        batches.zip_of(documents),  # type: ignore[arg-type]
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="attestations-cycle-{activity_id}.zip"'},
    )


@get("/verify", include_in_schema=False, opt=PUBLIC)
async def verify_form(
    request: Request, code: Annotated[str, QueryParameter(max_length=60)] = ""
) -> Template | Redirect:
    """A box to type a code; the code then leads to its own page."""
    if code.strip():
        return Redirect(f"/verify/{codes.normalised(code) or code.strip()}", status_code=303)
    return page(request, "pages/verify.html", result=None)


async def _verified(request: Request, code: str) -> dict[str, Any] | Template:
    await verification.count_lookup(request.app.state.settings, _client_ip(request))
    try:
        return await verification.verify(code)
    except NotFound:
        if wants_json(request):
            raise
        return page(request, "pages/verify.html", 404, result=None, unknown=code)


@get("/verify/{code:str}", include_in_schema=False, opt=PUBLIC, media_type=MediaType.HTML)
async def verify_code(request: Request, code: FromPath[str]) -> Template | Response:
    """Valid or revoked, issue date, site, first name and initial: JSON with `Accept: application/json`."""
    result = await _verified(request, code)
    if isinstance(result, Template):
        return result
    if wants_json(request):
        return Response(convert(result, Verification), media_type=MediaType.JSON)
    return page(request, "pages/verify.html", result=result)


@post("/verify/{code:str}", include_in_schema=False, opt=PUBLIC, status_code=200, media_type=MediaType.HTML)
async def verify_upload(request: Request, code: FromPath[str]) -> Template | Response:
    """Upload a PDF (multipart field `document`) to learn whether it is byte for byte the one issued."""
    result = await _verified(request, code)
    if isinstance(result, Template):
        return result
    form = await request.form()
    upload = form.get("document")
    if not isinstance(upload, UploadFile) or not (content := await upload.read()):
        missing = InvalidData({"document": "Choisissez le fichier PDF de l'attestation."})
        if wants_json(request):
            raise missing
        return page(request, "pages/verify.html", 422, result=result, errors=missing.fields)
    check = await verification.check_upload(code, content)
    if wants_json(request):
        return Response(convert(check, UploadCheck), media_type=MediaType.JSON)
    return page(request, "pages/verify.html", result=check["verification"], matches=check["matches"])


CERTIFICATE_PAGES = [
    issue_form,
    issue,
    confirm_revoke,
    revoke,
    cycle_page,
    cycle_zip,
    verify_form,
    verify_code,
    verify_upload,
]
