"""Claim pages (coordinators): open claims and paid ones, a new claim, its bordereau, and recording the
payment after a confirmation step."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from inclusion import clock
from inclusion.errors import Conflict, InvalidData
from inclusion.scoping import Role
from inclusion.sites.services import list_sites
from inclusion.storage.pagination import PageRequest
from inclusion.vocabulary import CLAIM_STATUS_LABELS, ClaimStatus
from inclusion.vouchers import claims, schemes
from inclusion.vouchers.claim_documents import euros
from inclusion.vouchers.pages_stock import euros_to_cents
from inclusion.vouchers.schemas import ClaimCreate, PaymentRequest
from inclusion.web.forms import convert_form
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

STOCK = {"roles": {Role.admin, Role.coordinator}}


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


async def _list_page(
    request: Request, caller, status_filter: str, page_number: int, values: dict, code: int = 200, **context: Any
) -> Template:
    chosen = status_filter if status_filter in ClaimStatus.__members__ else None
    result = await claims.list_claims(caller, PageRequest(page_number, 25), status=chosen)
    sites = (await list_sites(caller, PageRequest(per_page=200))).rows
    return page(
        request,
        "pages/claims.html",
        code,
        result=result,
        status_filter=chosen or "",
        values=values,
        sites=sites,
        schemes=await schemes.list_schemes(caller),
        status_labels=CLAIM_STATUS_LABELS,
        euros=euros,
        **context,
    )


@get("/claims", include_in_schema=False, opt=STOCK)
async def claim_list(
    request: Request,
    caller: CurrentCaller,
    status: Annotated[str, QueryParameter(max_length=8)] = "",
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Template:
    start, end = last_month(clock.today())
    values = {"date_from": start.isoformat(), "date_to": end.isoformat()}
    return await _list_page(request, caller, status, page_number, values)


@post("/claims", include_in_schema=False, opt=STOCK)
async def open_claim(request: Request, caller: CurrentCaller) -> Template | Redirect:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in ("date_from", "date_to")}
    for name in ("scheme_id", "site_id"):
        raw = str(form.get(name, "")).strip()
        values[name] = int(raw) if raw.isdigit() else None
    try:
        claim = await claims.open_claim(caller, convert_form(values, ClaimCreate))
    except (InvalidData, Conflict) as error:
        errors = error.fields if isinstance(error, InvalidData) else {}
        code = 422 if isinstance(error, InvalidData) else 409
        return await _list_page(request, caller, "", 1, values, code, errors=errors, error=error.message)
    return Redirect(f"/claims/{claim['id']}?opened=1", status_code=303)


async def _claim_page(request: Request, caller, claim_id: int, code: int = 200, **context: Any) -> Template:
    claim = await claims.get_claim(caller, claim_id)
    context.setdefault("values", {"amount": f"{claim['total_cents'] / 100:.2f}".replace(".", ","), "paid_on": ""})
    return page(
        request, "pages/claim.html", code, claim=claim, status_labels=CLAIM_STATUS_LABELS, euros=euros, **context
    )


@get("/claims/{claim_id:int}", include_in_schema=False, opt=STOCK)
async def claim_page(request: Request, caller: CurrentCaller, claim_id: FromPath[int]) -> Template:
    return await _claim_page(request, caller, claim_id)


@post("/claims/{claim_id:int}/payment", include_in_schema=False, opt=STOCK)
async def record_payment(request: Request, caller: CurrentCaller, claim_id: FromPath[int]) -> Template | Redirect:
    """First post: a confirmation page repeating amount, date and vouchers; second post (confirm): recorded."""
    claim = await claims.get_claim(caller, claim_id)
    form = await request.form()
    values = {"amount": str(form.get("amount", "")).strip(), "paid_on": str(form.get("paid_on", "")).strip()}
    try:
        data = convert_form(
            {"amount_cents": euros_to_cents(values["amount"]), "paid_on": values["paid_on"]}, PaymentRequest
        )
        if data.paid_on > clock.today():
            raise InvalidData({"paid_on": "La date de paiement ne peut pas être dans le futur."})
        if form.get("confirm") != "1":
            return page(request, "pages/claim_payment.html", claim=claim, data=data, values=values, euros=euros)
        await claims.record_payment(caller, claim_id, data)
    except InvalidData as error:
        fields = {"amount" if name == "amount_cents" else name: message for name, message in error.fields.items()}
        return await _claim_page(request, caller, claim_id, 422, values=values, errors=fields)
    except Conflict as error:
        return await _claim_page(request, caller, claim_id, 409, error=error.message)
    return Redirect(f"/claims/{claim_id}?paid=1", status_code=303)


CLAIM_PAGES = [claim_list, open_claim, claim_page, record_payment]
