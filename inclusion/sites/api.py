from urllib.parse import urlsplit

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import convert

from inclusion.scoping import Role
from inclusion.sites import calendar, publication, services
from inclusion.sites.schemas import Place, SiteCreate, SiteKind, SiteOut, SitePage, SitePatch
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.web.params import (
    CurrentCaller,
    PageNumber,
    PerPage,
    Search,
    page_request,
    page_response,
)

PUBLIC = {"public": True}
STAFF_ROLES = {"roles": {Role.admin, Role.coordinator, Role.adviser}}
ICS = "text/calendar"
OPEN_DATA = "Données ouvertes, sans connexion : les sites complets (voir « publication_missing » sur chaque site)."


def calendar_response(body: bytes, site_id: int) -> Response[bytes]:
    return Response(
        body,
        media_type=ICS,
        headers={"Content-Disposition": f'inline; filename="ateliers-site-{site_id}.ics"'},
    )


def feed_host(request: Request) -> str:
    """The host named in the events' UIDs: the service's public address."""
    return urlsplit(request.app.state.settings.base_url).hostname or "inclusion"


class SiteApi(Controller):
    path = "/sites"
    tags = ["Sites"]

    @get("/", summary="Sites visibles par l'appelant")
    async def list_sites(
        self,
        caller: CurrentCaller,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
        q: Search = "",
        kind: FromQuery[SiteKind | None] = None,
    ) -> SitePage:
        result = await services.list_sites(caller, page_request(page, per_page), q, kind)
        return page_response(result, SitePage, SiteOut)

    @post("/", summary="Créer un site (administrateur)", opt={"roles": {Role.admin}})
    async def create_site(self, caller: CurrentCaller, data: JSONBody[SiteCreate]) -> SiteOut:
        return convert(await services.create_site(caller, data), SiteOut)

    @get("/{site_id:int}", summary="Un site")
    async def get_site(self, caller: CurrentCaller, site_id: FromPath[int]) -> SiteOut:
        return convert(await services.get_site(caller, site_id), SiteOut)

    @patch("/{site_id:int}", summary="Modifier un site (coordinateur du site ou administrateur)")
    async def update_site(self, caller: CurrentCaller, site_id: FromPath[int], data: JSONBody[SitePatch]) -> SiteOut:
        return convert(await services.update_site(caller, site_id, data), SiteOut)

    @get(
        "/lieux-mediation-numerique.csv",
        summary="Lieux de médiation numérique (standard national v1.0.2), CSV",
        description=OPEN_DATA,
        opt=PUBLIC,
        media_type="text/csv",
    )
    async def places_csv(self) -> Response[bytes]:
        body = publication.places_csv(await publication.published_sites())
        headers = {"Content-Disposition": 'attachment; filename="lieux-mediation-numerique.csv"'}
        return Response(body, media_type="text/csv", headers=headers)

    @get(
        "/lieux-mediation-numerique.json",
        summary="Lieux de médiation numérique (standard national v1.0.2), JSON",
        description=OPEN_DATA,
        opt=PUBLIC,
    )
    async def places_json(self) -> list[Place]:
        return convert(await publication.published_sites(), list[Place])

    @get(
        "/{site_id:int}/workshops.ics",
        summary="Ateliers à venir du site (iCalendar), pour son équipe",
        opt=STAFF_ROLES,
        media_type=ICS,
    )
    async def workshops_ics(self, request: Request, caller: CurrentCaller, site_id: FromPath[int]) -> Response[bytes]:
        await services.get_site(caller, site_id)  # 404 outside the caller's sites
        return calendar_response(await calendar.site_feed(site_id, feed_host(request)), site_id)
