"""Voucher API: schemes, booklets, vouchers (by number, with `?scheme=` when two schemes share it)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from msgspec import convert

from inclusion.accounts.guards import PERSONAL, STAFF
from inclusion.scoping import Role
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.vocabulary import VoucherStatus
from inclusion.vouchers import booklet_import, booklets, handing, lookup, redemption, schemes
from inclusion.vouchers.learner_vouchers import learner_vouchers
from inclusion.vouchers.schemas import (
    BookletCreate,
    BookletDetail,
    BookletImport,
    BookletImportOut,
    BookletOut,
    BookletPage,
    CancelRequest,
    IssueRequest,
    LearnerVoucherOut,
    RedeemRequest,
    SchemeCreate,
    SchemeOut,
    SchemePatch,
    VoucherDetail,
    VoucherOut,
    VoucherPage,
)
from inclusion.web.params import CurrentCaller, PageNumber, PerPage, page_request, page_response

ADMIN = {"roles": {Role.admin}}
STOCK = {"roles": {Role.admin, Role.coordinator}}
STAFF_ROLES = {"roles": STAFF["roles"]}
SchemeChoice = FromQuery[int | None]
# Days ahead; a negative or huge count overflowed the date arithmetic (500).
ExpiringWithin = Annotated[int | None, QueryParameter(ge=0, le=3660, description="Jours avant l'échéance")]


class SchemeApi(Controller):
    path = "/voucher-schemes"
    tags = ["Pass numérique"]

    @get("/", summary="Dispositifs acceptés par les sites de l'appelant (tous pour un administrateur)")
    async def list_schemes(self, caller: CurrentCaller) -> list[SchemeOut]:
        return [convert(row, SchemeOut) for row in await schemes.list_schemes(caller)]

    @post("/", summary="Créer un dispositif (administrateur)", opt=ADMIN)
    async def create_scheme(self, caller: CurrentCaller, data: JSONBody[SchemeCreate]) -> SchemeOut:
        return convert(await schemes.create_scheme(caller, data), SchemeOut)

    @get("/{scheme_id:int}", summary="Un dispositif")
    async def get_scheme(self, caller: CurrentCaller, scheme_id: FromPath[int]) -> SchemeOut:
        return convert(await schemes.get_scheme(caller, scheme_id), SchemeOut)

    @patch("/{scheme_id:int}", summary="Modifier un dispositif et ses sites (administrateur)", opt=ADMIN)
    async def update_scheme(
        self, caller: CurrentCaller, scheme_id: FromPath[int], data: JSONBody[SchemePatch]
    ) -> SchemeOut:
        return convert(await schemes.update_scheme(caller, scheme_id, data), SchemeOut)


class BookletApi(Controller):
    path = "/booklets"
    tags = ["Pass numérique"]

    @get("/", summary="Carnets reçus par les sites de l'appelant, avec leurs Pass par état", opt=STAFF_ROLES)
    async def list_booklets(
        self,
        caller: CurrentCaller,
        site: FromQuery[int | None] = None,
        scheme: SchemeChoice = None,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
    ) -> BookletPage:
        result = await booklets.list_booklets(caller, page_request(page, per_page), site, scheme)
        return page_response(result, BookletPage, BookletOut)

    @post("/", summary="Enregistrer un carnet reçu : plage ou liste de numéros", opt=STOCK)
    async def create_booklet(self, caller: CurrentCaller, data: JSONBody[BookletCreate]) -> BookletDetail:
        return convert(await booklets.create_booklet(caller, data), BookletDetail)

    @post("/import", summary="Importer des carnets depuis un CSV (refusé entier à la moindre ligne fausse)", opt=STOCK)
    async def import_booklets(self, caller: CurrentCaller, data: JSONBody[BookletImport]) -> BookletImportOut:
        return convert(await booklet_import.import_booklets(caller, data), BookletImportOut)

    @get("/{booklet_id:int}", summary="Un carnet et ses Pass", opt=STAFF)
    async def get_booklet(self, caller: CurrentCaller, booklet_id: FromPath[int]) -> BookletDetail:
        return convert(await booklets.get_booklet(caller, booklet_id), BookletDetail)


class VoucherApi(Controller):
    path = "/vouchers"
    tags = ["Pass numérique"]

    @get("/", summary="Pass des sites de l'appelant (filtres ; expiring_within : jours)", opt=STAFF)
    async def list_vouchers(
        self,
        caller: CurrentCaller,
        site: FromQuery[int | None] = None,
        scheme: SchemeChoice = None,
        booklet: FromQuery[int | None] = None,
        learner: FromQuery[int | None] = None,
        status: FromQuery[VoucherStatus | None] = None,
        expiring_within: ExpiringWithin = None,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
    ) -> VoucherPage:
        filters = {"site": site, "scheme": scheme, "booklet": booklet, "learner": learner}
        filters |= {"status": status.value if status else None, "expiring_within": expiring_within}
        result = await lookup.list_vouchers(caller, page_request(page, per_page), filters)
        return page_response(result, VoucherPage, VoucherOut)

    @get(
        "/{number:str}",
        summary="Un Pass et son historique (?scheme= si deux dispositifs partagent le numéro)",
        opt=STAFF,
    )
    async def get_voucher(
        self, caller: CurrentCaller, number: FromPath[str], scheme: SchemeChoice = None
    ) -> VoucherDetail:
        return convert(await lookup.voucher_detail(caller, number, scheme), VoucherDetail)

    @post("/{number:str}/issue", summary="Remettre le Pass à un apprenant", opt=STAFF, status_code=200)
    async def issue(
        self, caller: CurrentCaller, number: FromPath[str], data: JSONBody[IssueRequest], scheme: SchemeChoice = None
    ) -> VoucherOut:
        return convert(await handing.issue(caller, number, scheme, data), VoucherOut)

    @post(
        "/{number:str}/redeem",
        summary="Utiliser le Pass pour une activité suivie par l'apprenant",
        opt=STAFF,
        status_code=200,
    )
    async def redeem(
        self, caller: CurrentCaller, number: FromPath[str], data: JSONBody[RedeemRequest], scheme: SchemeChoice = None
    ) -> VoucherOut:
        return convert(await redemption.redeem(caller, number, scheme, data.activity_id), VoucherOut)

    @post(
        "/{number:str}/cancel",
        summary="Annuler un Pass perdu ou abîmé (coordinateur)",
        opt={**PERSONAL, **STOCK},
        status_code=200,
    )
    async def cancel(
        self, caller: CurrentCaller, number: FromPath[str], data: JSONBody[CancelRequest], scheme: SchemeChoice = None
    ) -> VoucherOut:
        return convert(await handing.cancel(caller, number, scheme, data), VoucherOut)


@get(
    "/learners/{learner_id:int}/vouchers",
    tags=["Pass numérique"],
    summary="Les Pass remis à un apprenant et ce que chacun a payé",
    opt=PERSONAL,
)
async def vouchers_of_learner(caller: CurrentCaller, learner_id: FromPath[int]) -> list[LearnerVoucherOut]:
    return [convert(row, LearnerVoucherOut) for row in await learner_vouchers(caller, learner_id)]
