"""The activity export page: a period (this month unless told), a site among the caller's, the national model or La
Coop's, XLSX or CSV. The same
address with `format` downloads the file, named after the site and the period; a wrong field answers the form
with its message beside it."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Annotated

from litestar import Request, get
from litestar.background_tasks import BackgroundTask
from litestar.params import QueryParameter
from litestar.response import File, Stream, Template

from inclusion import clock
from inclusion.accounts.guards import PERSONAL
from inclusion.activities import coop_export, export
from inclusion.activities.api import XLSX
from inclusion.errors import InvalidData
from inclusion.reports.services import selectable_sites
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

Field = Annotated[str, QueryParameter(max_length=40)]


@get("/activities/export", include_in_schema=False, opt=PERSONAL)
async def export_activities(
    request: Request,
    caller: CurrentCaller,
    date_from: Field = "",
    date_to: Field = "",
    site: Field = "",
    file_format: Annotated[str, QueryParameter(name="format", max_length=8)] = "",
    model: Annotated[str, QueryParameter(max_length=12)] = "",
) -> Template | Stream | File:
    sites = await selectable_sites(caller)
    today = clock.today()
    this_month = export.this_month(today)
    last_month = export.this_month(this_month[0] - timedelta(days=1))
    asked = {"date_from": date_from, "date_to": date_to, "site": site, "format": file_format, "model": model}
    shown = asked | {"date_from": date_from or f"{this_month[0]}", "date_to": date_to or f"{this_month[1]}"}
    context = {"sites": sites, "values": shown, "shortcuts": {"this": this_month, "last": last_month}}
    if not file_format:  # the form, for this month or the period a shortcut gave
        return page(request, "pages/activity_export.html", errors={}, **context)
    try:
        wanted = export.export_request(asked, sites)
    except InvalidData as refused:
        return page(request, "pages/activity_export.html", 422, errors=refused.fields, **context)
    ascii_name, utf8_name = export.file_names(wanted, sites)
    headers = {"content-disposition": export.content_disposition(ascii_name, utf8_name)}
    made = coop_export if wanted.model == "coop" else export
    if wanted.format == "csv":
        return Stream(await made.csv_chunks(caller, wanted.filters), media_type="text/csv", headers=headers)
    if wanted.model == "coop":
        path = await coop_export.xlsx_file(caller, wanted.filters, caller.display_name)
    else:
        path = await export.xlsx_file(caller, wanted.filters)
    return File(path, filename=ascii_name, media_type=XLSX, headers=headers, background=BackgroundTask(os.remove, path))


EXPORT_PAGES = [export_activities]
