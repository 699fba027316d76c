"""Reimbursement claims (`/claims/{id}`, `.pdf`, `.csv`) and voucher reports (JSON and CSV)."""

from __future__ import annotations

import re
from datetime import date

from litestar import Controller, MediaType, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import convert

from inclusion import clock
from inclusion.accounts.guards import STAFF
from inclusion.errors import NotFound
from inclusion.scoping import Role
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.vocabulary import ClaimStatus
from inclusion.vouchers import claim_documents, claims, reports
from inclusion.vouchers.schemas import ClaimCreate, ClaimDetail, ClaimOut, ClaimPage, PaymentRequest, VoucherReport
from inclusion.web.params import CurrentCaller, PageNumber, PerPage, page_request, page_response

STOCK = {"roles": {Role.admin, Role.coordinator}}
STAFF_ROLES = {"roles": STAFF["roles"]}
CLAIM_REF = re.compile(r"^(\d{1,12})(?:\.(pdf|csv))?$")


class ClaimApi(Controller):
    path = "/claims"
    tags = ["Pass numérique"]

    @get("/", summary="Demandes de remboursement des sites de l'appelant", opt=STAFF_ROLES)
    async def list_claims(
        self,
        caller: CurrentCaller,
        site: FromQuery[int | None] = None,
        status: FromQuery[ClaimStatus | None] = None,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
    ) -> ClaimPage:
        result = await claims.list_claims(caller, page_request(page, per_page), site, status.value if status else None)
        return page_response(result, ClaimPage, ClaimOut)

    @post("/", summary="Ouvrir une demande : tous les Pass utilisés et non réclamés de la période", opt=STOCK)
    async def open_claim(self, caller: CurrentCaller, data: JSONBody[ClaimCreate]) -> ClaimDetail:
        return convert(await claims.open_claim(caller, data), ClaimDetail)

    @get(
        "/{claim_ref:str}",
        summary="Une demande : /{id} en JSON, /{id}.pdf le bordereau, /{id}.csv ses lignes",
        opt=STAFF_ROLES,
        media_type=MediaType.JSON,
    )
    async def get_claim(self, caller: CurrentCaller, claim_ref: FromPath[str]) -> Response:
        match = CLAIM_REF.match(claim_ref)
        if not match:
            raise NotFound("Demande de remboursement introuvable.")
        claim = await claims.get_claim(caller, int(match.group(1)))
        stem = claim_documents.file_stem(claim)
        if match.group(2) == "pdf":
            headers = {"Content-Disposition": f'inline; filename="{stem}.pdf"'}
            return Response(await claim_documents.claim_pdf(claim), media_type="application/pdf", headers=headers)
        if match.group(2) == "csv":
            headers = {"Content-Disposition": f'attachment; filename="{stem}.csv"'}
            return Response(claim_documents.claim_csv(claim), media_type="text/csv", headers=headers)
        return Response(convert(claim, ClaimDetail), media_type=MediaType.JSON)

    @post("/{claim_id:int}/payment", summary="Enregistrer le paiement : les Pass passent à « remboursé »", opt=STOCK)
    async def record_payment(
        self, caller: CurrentCaller, claim_id: FromPath[int], data: JSONBody[PaymentRequest]
    ) -> ClaimDetail:
        return convert(await claims.record_payment(caller, claim_id, data), ClaimDetail)


def _period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The period asked for; by default from 1 January to today."""
    today = clock.today()
    return date_from or date(today.year, 1, 1), date_to or today


@get(
    "/voucher-reports",
    tags=["Pass numérique"],
    summary="Chiffres des Pass par prescripteur et par mois",
    opt=STAFF_ROLES,
)
async def voucher_report(
    caller: CurrentCaller,
    site: FromQuery[int | None] = None,
    date_from: FromQuery[date | None] = None,
    date_to: FromQuery[date | None] = None,
) -> VoucherReport:
    start, end = _period(date_from, date_to)
    return convert(await reports.voucher_report(caller, site, start, end), VoucherReport)


@get(
    "/voucher-reports.csv",
    tags=["Pass numérique"],
    summary="Les mêmes chiffres en CSV",
    opt=STAFF_ROLES,
    media_type="text/csv",  # Litestar adds "; charset=utf-8"
)
async def voucher_report_csv(
    caller: CurrentCaller,
    site: FromQuery[int | None] = None,
    date_from: FromQuery[date | None] = None,
    date_to: FromQuery[date | None] = None,
) -> Response:
    start, end = _period(date_from, date_to)
    report = await reports.voucher_report(caller, site, start, end)
    headers = {"Content-Disposition": f'attachment; filename="pass-numerique-{start:%Y%m%d}-{end:%Y%m%d}.csv"'}
    return Response(reports.report_csv(report), media_type="text/csv", headers=headers)
