"""`/api/v1/reports/outcomes/shares`: read-only links to a report, for coordinators, funders and administrators.

Advisers may read the report (see `api`) but not publish it outside the service: DESIGN §2 gives site statistics
to coordinators and aggregate reports to funders, and an adviser's part is the learners' records. The routes are
closed to their role whatever the link (403, which reveals nothing), as every role-closed route is."""

from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, JSONBody

from inclusion import clock
from inclusion.reports.schemas import ShareCreate, ShareCreated, ShareOut, ShareSite
from inclusion.reports.sharing import links as shares
from inclusion.web.params import CurrentCaller

SHARING = {"roles": shares.SHARERS}


def _sites(row: dict) -> list[ShareSite]:
    return [ShareSite(id=site["id"], name=site["name"]) for site in row["sites"]]


class ShareApi(Controller):
    path = "/reports/outcomes/shares"
    tags = ["Rapports"]

    @post("/", status_code=201, summary="Créer un lien de partage en lecture seule d'un rapport d'impact", opt=SHARING)
    async def create_share(self, request: Request, caller: CurrentCaller, data: JSONBody[ShareCreate]) -> ShareCreated:
        settings = request.app.state.settings
        created = await shares.create_share(
            caller,
            settings.secret_key,
            settings.base_url,
            data.sites,
            (data.date_from, data.date_to),
            data.expires_on,
            clock.today(),
        )
        return ShareCreated(**(created | {"sites": _sites(created)}))

    @get("/", summary="Vos liens de partage (administrateur : tous)", opt=SHARING)
    async def list_shares(self, caller: CurrentCaller) -> list[ShareOut]:
        return [ShareOut(**(row | {"sites": _sites(row)})) for row in await shares.list_shares(caller, clock.today())]

    @delete("/{share_id:int}", summary="Révoquer un de vos liens de partage", opt=SHARING)
    async def revoke_share(self, caller: CurrentCaller, share_id: FromPath[int]) -> None:
        await shares.revoke_share(caller, share_id)
