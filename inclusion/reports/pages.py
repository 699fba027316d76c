"""The outcomes dashboard: the report's figures as charts and tables, a period, a territory and sites to choose,
downloads; and the report's table by site, page by page."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from inclusion import clock
from inclusion.errors import InvalidData
from inclusion.reports import comments, levels, pool, services, site_table
from inclusion.reports.scope import parse_day
from inclusion.reports.sharing import links as shares
from inclusion.storage.pagination import PageRequest
from inclusion.web.params import CurrentCaller, PageNumber
from inclusion.web.templates import page

Sites = Annotated[list[str] | None, QueryParameter(name="site")]
From = Annotated[str | None, QueryParameter(name="from")]
To = Annotated[str | None, QueryParameter(name="to")]
Text = Annotated[str | None, QueryParameter()]
PER_PAGE = 50


def _form(chosen: list[int], date_from, date_to, region, departement) -> dict[str, Any]:
    return {
        "from": date_from or "",
        "to": date_to or "",
        "sites": chosen,
        "region": region or "",
        "departement": departement or "",
    }


def _query(form: dict[str, Any], report: dict[str, Any], **extra: Any) -> str:
    pairs = [("site", value) for value in form["sites"]]
    pairs += [(name, form[name]) for name in ("region", "departement") if form[name]]
    pairs += [("from", report["date_from"]), ("to", report["date_to"])]
    return urlencode(pairs + list(extra.items()))


def drill_links(report: dict[str, Any], form: dict[str, Any]) -> dict[str, str]:
    """Column label → the report of that région or département (same period, same sites asked)."""
    found = {}
    for column in report["columns"]:
        if column["level"] != levels.SITE and column["code"]:
            narrowed = form | {"region": "", "departement": ""} | {column["level"]: column["code"]}
            found[column["label"]] = f"/reports/outcomes?{_query(narrowed, report)}"
    return found


@get("/reports/outcomes", include_in_schema=False)
async def dashboard(
    request: Request,
    caller: CurrentCaller,
    site: Sites = None,
    date_from: From = None,
    date_to: To = None,
    region: Text = None,
    departement: Text = None,
) -> Template:
    chosen = [int(value) for value in site or [] if value.isdigit()]
    choices = await services.selectable_sites(caller)
    territories = levels.territories(await levels.places([choice["id"] for choice in choices]))
    form = _form(chosen, date_from, date_to, region, departement)
    context = {"form": form, "choices": choices, "territories": territories}
    try:
        period = parse_day(date_from, "from"), parse_day(date_to, "to")
        settings, today = request.app.state.settings, clock.today()
        report, printed = await pool.caller_report(settings, caller, chosen, *period, today, "context", region=region,
                                                   departement=departement)  # fmt: skip
    except InvalidData as exc:
        return page(request, "pages/outcomes.html", 422, **context, errors=exc.fields)
    form |= {"from": report["date_from"].isoformat(), "to": report["date_to"].isoformat()}
    in_territory = [site for column in report["columns"] for site in column["site_ids"]]
    return page(
        request,
        "pages/outcomes.html",
        **context | {"form": form},
        query=_query(form, report),
        downloads="/api/v1/reports/outcomes",
        drill=drill_links(report, form),
        share_sites=in_territory if region or departement else chosen,
        share_expiry=shares.expiry(None, clock.today()).isoformat(),
        can_share=caller.role in shares.SHARERS,
        errors={},
        comments=await comments.comments(caller, report),
        **printed,
    )


@get("/reports/outcomes/sites", include_in_schema=False)
async def sites_page(
    request: Request,
    caller: CurrentCaller,
    site: Sites = None,
    date_from: From = None,
    date_to: To = None,
    region: Text = None,
    departement: Text = None,
    page_number: Annotated[PageNumber, QueryParameter(name="page")] = 1,
) -> Template:
    """The report's table by site, 50 sites a page, with the same parameters as the dashboard."""
    chosen = [int(value) for value in site or [] if value.isdigit()]
    form = _form(chosen, date_from, date_to, region, departement)
    period = parse_day(date_from, "from"), parse_day(date_to, "to")
    table, _ = await pool.site_table(
        request.app.state.settings, caller, chosen, *period, clock.today(), region, departement,
        PageRequest(page_number, PER_PAGE),
    )  # fmt: skip
    query = _query(form, table)
    return page(
        request,
        "pages/outcome_sites.html",
        table=table,
        figures=[(name, site_table.SHORT[name], heading) for name, heading, *_ in site_table.FIGURES],
        query=query,
        back=f"/reports/outcomes?{query}",
        previous=f"/reports/outcomes/sites?{_query(form, table, page=table['page'] - 1)}" if table["page"] > 1 else "",
        next=f"/reports/outcomes/sites?{_query(form, table, page=table['page'] + 1)}"
        if table["page"] < table["pages"]
        else "",
    )


REPORT_PAGES = [dashboard, sites_page]
