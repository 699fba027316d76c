"""The outcomes dashboard: the report's figures as charts and tables, a period and sites to choose, downloads."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from inclusion import clock
from inclusion.errors import InvalidData
from inclusion.reports import comments, pool, services
from inclusion.reports.scope import parse_day
from inclusion.reports.sharing import links as shares
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

Sites = Annotated[list[str] | None, QueryParameter(name="site")]
Day = Annotated[str | None, QueryParameter()]


@get("/reports/outcomes", include_in_schema=False)
async def dashboard(
    request: Request,
    caller: CurrentCaller,
    site: Sites = None,
    date_from: Annotated[str | None, QueryParameter(name="from")] = None,
    date_to: Annotated[str | None, QueryParameter(name="to")] = None,
) -> Template:
    chosen = [int(value) for value in site or [] if value.isdigit()]
    choices = await services.selectable_sites(caller)
    form = {"from": date_from or "", "to": date_to or "", "sites": chosen}
    try:
        period = parse_day(date_from, "from"), parse_day(date_to, "to")
        settings = request.app.state.settings
        report, printed = await pool.caller_report(settings, caller, chosen, *period, clock.today(), "context")
    except InvalidData as exc:
        return page(request, "pages/outcomes.html", 422, form=form, choices=choices, errors=exc.fields)
    query = urlencode(
        [("site", value) for value in chosen] + [("from", report["date_from"]), ("to", report["date_to"])]
    )
    return page(
        request,
        "pages/outcomes.html",
        form=form | {"from": report["date_from"].isoformat(), "to": report["date_to"].isoformat()},
        choices=choices,
        query=query,
        downloads="/api/v1/reports/outcomes",
        share_expiry=shares.expiry(None, clock.today()).isoformat(),
        can_share=caller.role in shares.SHARERS,
        errors={},
        comments=await comments.comments(caller, report),
        **printed,
    )


REPORT_PAGES = [dashboard]
