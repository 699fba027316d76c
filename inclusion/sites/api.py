from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import convert

from inclusion.scoping import Role
from inclusion.sites import services
from inclusion.sites.schemas import SiteCreate, SiteKind, SiteOut, SitePage, SitePatch
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.web.params import (
    CurrentCaller,
    PageNumber,
    PerPage,
    Search,
    page_request,
    page_response,
)


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
