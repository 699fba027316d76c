from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import convert

from inclusion.accounts.guards import PERSONAL, STAFF
from inclusion.certificates import services
from inclusion.certificates.schemas import (
    CertificateCreate,
    CertificateDetail,
    CertificateOut,
    CertificatePage,
    RevokeRequest,
)
from inclusion.errors import NotFound
from inclusion.scoping import Role
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.web.errors import ErrorBody
from inclusion.web.params import CurrentCaller, PageNumber, PerPage, page_request, page_response

REVOKERS = {"personal_data": True, "roles": {Role.admin, Role.coordinator}}
REFUSED = ResponseSpec(
    data_container=ErrorBody,
    description="Délivrance refusée : pas d'accord de la personne, fiche anonymisée, rien à attester, ou aucune séance "
    "ni aucun atelier sur la période (détail sur le champ « force » : renvoyer avec force: true pour confirmer)",
    generate_examples=False,
)


def pdf_response(certificate: dict, document: bytes, attachment: bool = False) -> Response[bytes]:
    disposition = "attachment" if attachment else "inline"
    return Response(
        document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'{disposition}; filename="attestation-{certificate["code"]}.pdf"',
            "Cache-Control": "no-store",
        },
    )


class CertificateApi(Controller):
    path = "/certificates"
    tags = ["Attestations"]

    @get("/", summary="Attestations délivrées sur les sites de l'appelant", opt=PERSONAL)
    async def list_certificates(
        self,
        caller: CurrentCaller,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
        learner: FromQuery[int | None] = None,
        site: FromQuery[int | None] = None,
    ) -> CertificatePage:
        result = await services.list_certificates(caller, page_request(page, per_page), learner, site)
        return page_response(result, CertificatePage, CertificateOut)

    @post(
        "/",
        summary="Délivrer une attestation de progression (PDF figé, code de vérification)",
        opt=STAFF,
        responses={409: REFUSED},
    )
    async def issue(self, request: Request, caller: CurrentCaller, data: JSONBody[CertificateCreate]) -> CertificateOut:
        base_url = request.app.state.settings.base_url
        return convert(await services.issue(caller, data, base_url), CertificateOut)

    @get(
        "/{certificate_id:str}",
        summary="Une attestation ; avec le suffixe .pdf (/certificates/12.pdf), le PDF tel que délivré",
        opt=PERSONAL,
        media_type="application/json",
    )
    async def get_certificate(self, caller: CurrentCaller, certificate_id: FromPath[str]) -> Response:
        """`12` gives the certificate and its frozen snapshot as JSON; `12.pdf` gives its PDF bytes."""
        number, as_pdf = certificate_id.removesuffix(".pdf"), certificate_id.endswith(".pdf")
        if not (number.isascii() and number.isdigit()):  # "1²" is a digit to isdigit(), not to int()
            raise NotFound(services.NOT_FOUND)
        if as_pdf:
            certificate, document = await services.pdf_of(caller, int(number))
            return pdf_response(certificate, document)
        detail = await services.get_certificate(caller, int(number), with_snapshot=True)
        return Response(convert(detail, CertificateDetail))

    @post(
        "/{certificate_id:int}/revoke", summary="Révoquer une attestation (coordinateur)", opt=REVOKERS, status_code=200
    )
    async def revoke(
        self, caller: CurrentCaller, certificate_id: FromPath[int], data: JSONBody[RevokeRequest]
    ) -> CertificateOut:
        return convert(await services.revoke(caller, certificate_id, data.reason), CertificateOut)
