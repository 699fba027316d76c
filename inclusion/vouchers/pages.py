"""Voucher pages for advisers and coordinators: stock, a voucher's history, redeeming from an activity,
handing one from a learner's file, cancelling with confirmation. They work without JavaScript."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from inclusion import clock
from inclusion.accounts.guards import PERSONAL, STAFF
from inclusion.activities.services import get_activity
from inclusion.errors import Conflict, DomainError, InvalidData, NotFound
from inclusion.learners.names import display_name
from inclusion.learners.services import fetch_learner
from inclusion.scoping import Role
from inclusion.storage.pagination import MAX_PER_PAGE, PageRequest
from inclusion.storage.tables.vouchers import Voucher
from inclusion.vocabulary import PRESCRIBER_TYPE_LABELS, VOUCHER_STATUS_LABELS
from inclusion.vouchers import booklets, handing, lookup, redemption, schemes
from inclusion.vouchers.pages_claims import CLAIM_PAGES
from inclusion.vouchers.pages_stock import STOCK_PAGES
from inclusion.vouchers.schemas import CancelRequest, IssueRequest
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

STAFF_PAGE = {**PERSONAL, "roles": STAFF["roles"]}
STOCK_ROLES = {**PERSONAL, "roles": {Role.admin, Role.coordinator}}
WINDOWS = (30, 15, 7)
LABELS = {"statuses": VOUCHER_STATUS_LABELS, "prescribers": PRESCRIBER_TYPE_LABELS}


def _scheme_choice(form: Any) -> int | None:
    raw = str(form.get("scheme", "")).strip()
    return int(raw) if raw.isdigit() else None


@get("/vouchers", include_in_schema=False, opt=STAFF_PAGE)
async def stock(
    request: Request,
    caller: CurrentCaller,
    within: Annotated[int, QueryParameter(ge=1, le=365)] = 30,
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Template:
    """Stock by scheme and booklet, and the live vouchers ending within 30, 15 or 7 days."""
    all_booklets = await booklets.list_booklets(caller, PageRequest(per_page=MAX_PER_PAGE))
    expiring = await lookup.list_vouchers(caller, PageRequest(page_number, 50), {"expiring_within": within})
    counts = {days: (await lookup.list_vouchers(caller, PageRequest(per_page=1), {"expiring_within": days})).total
              for days in WINDOWS}  # fmt: skip
    by_scheme: dict[str, list[dict[str, Any]]] = {}
    for booklet in all_booklets.rows:
        by_scheme.setdefault(booklet["scheme_name"], []).append(booklet)
    return page(
        request,
        "pages/vouchers.html",
        by_scheme=by_scheme,
        more_booklets=all_booklets.total > len(all_booklets.rows),
        expiring=expiring,
        within=within,
        counts=counts,
        windows=WINDOWS,
        schemes=await schemes.list_schemes(caller),
        labels=LABELS,
    )


@get("/vouchers/find", include_in_schema=False, opt=STAFF_PAGE)
async def find(
    request: Request,
    caller: CurrentCaller,
    number: Annotated[str, QueryParameter(max_length=40)] = "",
    scheme: Annotated[int | None, QueryParameter()] = None,
) -> Template | Redirect:
    try:
        voucher = await lookup.find_voucher(caller, number, scheme)
    except (NotFound, Conflict) as error:
        return page(request, "pages/voucher_find.html", 404 if isinstance(error, NotFound) else 409,
                    error=error.message, number=number, schemes=await schemes.list_schemes(caller))  # fmt: skip
    return Redirect(f"/vouchers/{voucher['id']}", status_code=303)


@get("/vouchers/{voucher_id:int}", include_in_schema=False, opt=STAFF_PAGE)
async def voucher_page(request: Request, caller: CurrentCaller, voucher_id: FromPath[int]) -> Template:
    voucher = await lookup.voucher_in_scope(caller, voucher_id)
    return page(request, "pages/voucher.html", voucher=voucher, labels=LABELS)


@get("/vouchers/{voucher_id:int}/cancel", include_in_schema=False, opt=STOCK_ROLES)
async def confirm_cancel(request: Request, caller: CurrentCaller, voucher_id: FromPath[int]) -> Template:
    voucher = await lookup.voucher_in_scope(caller, voucher_id)
    return page(request, "pages/voucher_cancel.html", voucher=voucher, labels=LABELS)


@post("/vouchers/{voucher_id:int}/cancel", include_in_schema=False, opt=STOCK_ROLES)
async def cancel(request: Request, caller: CurrentCaller, voucher_id: FromPath[int]) -> Template | Redirect:
    voucher = await lookup.voucher_in_scope(caller, voucher_id)
    form = await request.form()
    reason = str(form.get("reason", "")).strip()[:300]
    try:
        await handing.cancel(caller, voucher["number"], voucher["scheme"], CancelRequest(reason=reason))
    except Conflict as error:
        return page(request, "pages/voucher_cancel.html", 409, voucher=voucher, labels=LABELS, error=error.message)
    return Redirect(f"/vouchers/{voucher_id}?cancelled=1", status_code=303)


async def _paid_on_activity(caller, activity_id: int) -> list[dict[str, Any]]:
    rows = lookup.shaped_vouchers(
        await Voucher.select(*lookup.voucher_columns())
        .where(Voucher.activity == activity_id)
        .order_by(Voucher.updated_at)
        .run()
    )
    return [row for row in rows if caller.can_see_site(row["site_id"])]


async def _redeem_page(request: Request, caller, activity_id: int, status: int = 200, **context: Any) -> Template:
    activity = await get_activity(caller, activity_id)
    return page(
        request,
        "pages/voucher_redeem.html",
        status,
        activity=activity,
        paid=await _paid_on_activity(caller, activity_id),
        schemes=await schemes.list_schemes(caller),
        labels=LABELS,
        **context,
    )


@get("/activities/{activity_id:int}/vouchers", include_in_schema=False, opt=STAFF_PAGE)
async def redeem_form(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template:
    """« Utiliser un Pass » for this activity: type the number printed on it."""
    return await _redeem_page(request, caller, activity_id)


@post("/activities/{activity_id:int}/vouchers", include_in_schema=False, opt=STAFF_PAGE)
async def redeem(request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> Template | Redirect:
    await get_activity(caller, activity_id)
    form = await request.form()
    number = str(form.get("number", "")).strip()
    if not number:
        return await _redeem_page(request, caller, activity_id, 422, error="Tapez le numéro imprimé sur le Pass.")
    try:
        voucher = await redemption.redeem(caller, number, _scheme_choice(form), activity_id)
    except DomainError as error:
        status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
        return await _redeem_page(request, caller, activity_id, status, error=error.message, number=number)
    return Redirect(f"/activities/{activity_id}/vouchers?redeemed={voucher['number']}", status_code=303)


async def _issue_page(request: Request, caller, learner_id: int, status: int = 200, **context: Any) -> Template:
    row = await fetch_learner(caller, learner_id)
    name = display_name(row["first_name"], row["last_name"], row["pseudonym"], row["anonymised_at"] is not None)
    context.setdefault("issued_on", clock.today().isoformat())
    return page(
        request,
        "pages/voucher_issue.html",
        status,
        learner={**row, "display_name": name},
        schemes=await schemes.list_schemes(caller),
        **context,
    )


@get("/learners/{learner_id:int}/vouchers/issue", include_in_schema=False, opt=STAFF_PAGE)
async def issue_form(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template:
    """« Remettre un Pass » to this learner."""
    return await _issue_page(request, caller, learner_id)


@post("/learners/{learner_id:int}/vouchers/issue", include_in_schema=False, opt=STAFF_PAGE)
async def issue(request: Request, caller: CurrentCaller, learner_id: FromPath[int]) -> Template | Redirect:
    await fetch_learner(caller, learner_id)
    form = await request.form()
    number, issued_on = str(form.get("number", "")).strip(), str(form.get("issued_on", "")).strip()
    shown = {"number": number, "issued_on": issued_on}
    try:
        if not number:
            raise InvalidData({"number": "Tapez le numéro imprimé sur le Pass."})
        try:
            day = date.fromisoformat(issued_on) if issued_on else None
        except ValueError:
            raise InvalidData({"issued_on": "Date invalide (AAAA-MM-JJ)."}) from None
        data = IssueRequest(learner_id=learner_id, issued_on=day)
        voucher = await handing.issue(caller, number, _scheme_choice(form), data)
    except DomainError as error:
        status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
        errors = error.fields if isinstance(error, InvalidData) else {}
        return await _issue_page(request, caller, learner_id, status, error=error.message, errors=errors, **shown)
    return Redirect(f"/learners/{learner_id}?voucher_issued={voucher['number']}", status_code=303)


VOUCHER_PAGES = [
    stock,
    find,
    voucher_page,
    confirm_cancel,
    cancel,
    redeem_form,
    redeem,
    issue_form,
    issue,
    *STOCK_PAGES,
    *CLAIM_PAGES,
]
