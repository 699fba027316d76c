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
from inclusion.reports.schemas import OutcomesReport, SiteFiguresPage
from inclusion.reports.scope import parse_day
from inclusion.storage.pagination import DEFAULT_PER_PAGE, PageRequest
from inclusion.web.params import CurrentCaller, PageNumber, PerPage

Sites = Annotated[
    list[int] | None, QueryParameter(name="site", description="Site (répétable) ; aucun : tous vos sites")
]
From = Annotated[
    str | None, QueryParameter(name="from", description="Premier jour (AAAA-MM-JJ) ; défaut : il y a un an")
]
To = Annotated[
    str | None, QueryParameter(name="to", description="Dernier jour inclus (AAAA-MM-JJ) ; défaut : aujourd'hui")
]
Region = Annotated[
    str | None,
    QueryParameter(name="region", description="Région (code INSEE, ex. 32) : vos sites de cette région seulement"),
]
Departement = Annotated[
    str | None,
    QueryParameter(
        name="departement", description="Département (code INSEE, ex. 62 ou 2A) : vos sites de ce département seulement"
    ),
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


async def _report(request: Request, caller, sites, date_from, date_to, region, departement, output: str):
    """The report's `output`, built in a report process (`pool`): never on this worker's loop."""
    period = parse_day(date_from, "from"), parse_day(date_to, "to")
    settings = request.app.state.settings
    return await pool.caller_report(settings, caller, sites or [], *period, clock.today(), output, now(),
                                    region=region, departement=departement)  # fmt: skip


@get("/reports/outcomes", tags=["Rapports"], summary="Rapport d'impact : la fracture numérique se réduit-elle ?")
async def outcomes(
    request: Request,
    caller: CurrentCaller,
    site: Sites = None,
    date_from: From = None,
    date_to: To = None,
    region: Region = None,
    departement: Departement = None,
) -> Response[OutcomesReport]:
    """Au-delà d'un département, une colonne par département ; au-delà d'une région, une par région ; sinon une
    par site. Le tableau par site est `/reports/outcomes/sites`."""
    _, body = await _report(request, caller, site, date_from, date_to, region, departement, "json")
    return Response(body, media_type=MediaType.JSON)


def _variant(extension: str, summary: str):
    async def handler(
        request: Request,
        caller: CurrentCaller,
        site: Sites = None,
        date_from: From = None,
        date_to: To = None,
        region: Region = None,
        departement: Departement = None,
    ) -> Response[bytes]:
        report, body = await _report(request, caller, site, date_from, date_to, region, departement, extension)
        return download(report, body, extension)

    handler.__name__ = f"outcomes_{extension}"  # the operation id: ApiV1ReportsOutcomesCsvOutcomesCsv, as before
    return get(f"/reports/outcomes.{extension}", tags=["Rapports"], summary=summary, media_type=MEDIA_TYPES[extension])(
        handler
    )


outcomes_csv = _variant("csv", "Rapport d'impact en CSV (mêmes chiffres, mêmes cases masquées)")
outcomes_xlsx = _variant("xlsx", "Rapport d'impact en XLSX (mêmes chiffres, mêmes cases masquées)")
outcomes_pdf = _variant("pdf", "Rapport d'impact en PDF (A4 ; mêmes chiffres et graphiques)")


async def _sites(request: Request, caller, site, date_from, date_to, region, departement, page, output: str):
    """The table by site's `output`, built in a report process."""
    period = parse_day(date_from, "from"), parse_day(date_to, "to")
    settings = request.app.state.settings
    return await pool.site_table(settings, caller, site or [], *period, clock.today(), region, departement, page,
                                 output)  # fmt: skip


@get(
    "/reports/outcomes/sites",
    tags=["Rapports"],
    summary="Rapport d'impact par site : une ligne par site, ses chiffres principaux (paginé)",
)
async def outcomes_sites(
    request: Request,
    caller: CurrentCaller,
    site: Sites = None,
    date_from: From = None,
    date_to: To = None,
    region: Region = None,
    departement: Departement = None,
    page: PageNumber = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response[SiteFiguresPage]:
    """Les sites par nom, avec leur commune, leur département, leur région et les chiffres principaux du rapport :
    les mêmes cases que les colonnes par site du rapport, les petits effectifs masqués (« s »)."""
    asked = PageRequest(page, per_page)
    _, body = await _sites(request, caller, site, date_from, date_to, region, departement, asked, "json")
    return Response(body, media_type=MediaType.JSON)


def _sites_file(extension: str):
    async def handler(
        request: Request,
        caller: CurrentCaller,
        site: Sites = None,
        date_from: From = None,
        date_to: To = None,
        region: Region = None,
        departement: Departement = None,
    ) -> Response[bytes]:
        table, body = await _sites(request, caller, site, date_from, date_to, region, departement, None, extension)
        name = f"rapport-impact-sites-{table['date_from']}-{table['date_to']}.{extension}"
        return Response(
            body, media_type=MEDIA_TYPES[extension], headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    handler.__name__ = f"outcomes_sites_{extension}"
    return get(
        f"/reports/outcomes/sites.{extension}",
        tags=["Rapports"],
        summary=f"Rapport d'impact par site en {extension.upper()} (tous les sites ; mêmes cases masquées)",
        media_type=MEDIA_TYPES[extension],
    )(handler)


outcomes_sites_csv = _sites_file("csv")
outcomes_sites_xlsx = _sites_file("xlsx")
