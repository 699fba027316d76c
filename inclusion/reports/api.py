"""`/api/v1/reports/outcomes` (JSON, .csv, .xlsx): aggregates only, so funders may call it.

Advisers may too, for their sites: they already read every record behind these figures (DESIGN §2), so the
aggregates show them nothing new, and they can follow their own work."""

from typing import Annotated, Any

from litestar import MediaType, Request, get
from litestar.params import QueryParameter
from litestar.response import Response

from inclusion import clock
from inclusion.clock import now
from inclusion.reports import pool
from inclusion.reports.document import filename
from inclusion.reports.schemas import OutcomesReport
from inclusion.reports.scope import parse_day
from inclusion.web.params import CurrentCaller

Sites = Annotated[
    list[int] | None, QueryParameter(name="site", description="Site (répétable) ; aucun : tous vos sites")
]
From = Annotated[
    str | None, QueryParameter(name="from", description="Premier jour (AAAA-MM-JJ) ; défaut : il y a un an")
]
To = Annotated[
    str | None, QueryParameter(name="to", description="Dernier jour inclus (AAAA-MM-JJ) ; défaut : aujourd'hui")
]
MEDIA_TYPES = {
    "csv": "text/csv",  # Litestar adds "; charset=utf-8"
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def download(
    report: dict[str, Any], body: bytes, extension: str, headers: dict[str, str] | None = None
) -> Response[bytes]:
    """The report's CSV, XLSX or PDF (made in its report process) as an attachment: the API's variants and the
    shared links' files."""
    disposition = f'attachment; filename="{filename(report, extension)}"'
    return Response(
        body, media_type=MEDIA_TYPES[extension], headers={"Content-Disposition": disposition, **(headers or {})}
    )


async def _report(request: Request, caller, sites, date_from, date_to, output: str | None = None):
    """The report (and its `output`), built in a report process (`pool`): never on this worker's loop."""
    period = parse_day(date_from, "from"), parse_day(date_to, "to")
    settings = request.app.state.settings
    return await pool.caller_report(settings, caller, sites or [], *period, clock.today(), output, now())


async def _file(request: Request, caller, sites, date_from, date_to, extension: str) -> Response[bytes]:
    report, body = await _report(request, caller, sites, date_from, date_to, extension)
    return download(report, body, extension)


@get("/reports/outcomes", tags=["Rapports"], summary="Rapport d'impact : la fracture numérique se réduit-elle ?")
async def outcomes(
    request: Request, caller: CurrentCaller, site: Sites = None, date_from: From = None, date_to: To = None
) -> Response[OutcomesReport]:
    _, body = await _report(request, caller, site, date_from, date_to, "json")  # encoded in the report process
    return Response(body, media_type=MediaType.JSON)


@get(
    "/reports/outcomes.csv",
    tags=["Rapports"],
    summary="Rapport d'impact en CSV (mêmes chiffres, mêmes cases masquées)",
    media_type=MEDIA_TYPES["csv"],
)
async def outcomes_csv(
    request: Request, caller: CurrentCaller, site: Sites = None, date_from: From = None, date_to: To = None
) -> Response[bytes]:
    return await _file(request, caller, site, date_from, date_to, "csv")


@get(
    "/reports/outcomes.xlsx",
    tags=["Rapports"],
    summary="Rapport d'impact en XLSX (mêmes chiffres, mêmes cases masquées)",
    media_type=MEDIA_TYPES["xlsx"],
)
async def outcomes_xlsx(
    request: Request, caller: CurrentCaller, site: Sites = None, date_from: From = None, date_to: To = None
) -> Response[bytes]:
    return await _file(request, caller, site, date_from, date_to, "xlsx")


@get(
    "/reports/outcomes.pdf",
    tags=["Rapports"],
    summary="Rapport d'impact en PDF (A4 ; mêmes chiffres et graphiques)",
    media_type=MEDIA_TYPES["pdf"],
)
async def outcomes_pdf(
    request: Request, caller: CurrentCaller, site: Sites = None, date_from: From = None, date_to: To = None
) -> Response[bytes]:
    return await _file(request, caller, site, date_from, date_to, "pdf")
