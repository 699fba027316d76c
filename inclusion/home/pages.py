"""The home page, "today" for each role, and the whole list of learners due for a reassessment."""

from __future__ import annotations

import asyncio
from typing import Annotated

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from inclusion import clock
from inclusion.accounts.guards import PERSONAL
from inclusion.errors import Busy
from inclusion.home import headline, today
from inclusion.learners import glance
from inclusion.reports import pool
from inclusion.scoping import Role
from inclusion.sites import services as site_services
from inclusion.storage.pagination import PageRequest
from inclusion.vouchers.claim_documents import euros
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

DUE_PER_PAGE = 50


@get("/", include_in_schema=False)
async def home(request: Request, caller: CurrentCaller) -> Template:
    settings = request.app.state.settings
    day = clock.today()
    sites = await site_services.list_sites(caller, PageRequest(per_page=20))
    context = {"sites": sites.rows, "more_sites": sites.total > len(sites.rows), "today": day}
    if caller.role == Role.funder:
        try:
            report, _ = await pool.caller_report(settings, caller, [], None, None, day)
            found = headline.funder_headline(report)
        except Busy:
            found = {"busy": True}
        return page(request, "pages/home.html", **context, headline=found, k=settings.small_cell_k)
    staff = caller.role in (Role.admin, Role.coordinator)
    week, due, expiring, claims, figures = await asyncio.gather(
        today.week_activities(caller, day),
        today.due_learners(caller, day, settings.reassess_after_days),
        today.expiring_vouchers(caller),
        today.claims_to_send(caller) if staff else _nothing(),
        today.week_figures(caller, day) if staff else _nothing(),
    )
    return page(
        request,
        "pages/home.html",
        **context,
        monday=clock.monday_of(day),
        week=week,
        due=due,
        expiring=expiring,
        claims=claims,
        figures=figures,
        staff=staff,
        reassess_after_days=settings.reassess_after_days,
        socle_labels=glance.SOCLE_LABELS,
        ago=glance.ago,
        euros=euros,
        hours=today.hours,
    )


async def _nothing() -> None:
    return None


@get("/learners/due", include_in_schema=False, opt=PERSONAL)
async def due_list(
    request: Request,
    caller: CurrentCaller,
    after_text: Annotated[str, QueryParameter(name="after", max_length=40)] = "",
) -> Template:
    """Every learner due for a reassessment, 50 at a time, most recently seen first; `after` is where the previous
    page stopped (a bad one starts from the beginning)."""
    settings = request.app.state.settings
    day = clock.today()
    after = glance.parse_cursor(after_text) if after_text else None
    rows, more = await glance.due_for_assessment(caller, day, settings.reassess_after_days, DUE_PER_PAGE, after)
    return page(
        request,
        "pages/learners_due.html",
        rows=rows,
        next_page=glance.cursor_of(rows[-1]) if more else "",
        first_page=after is None,
        today=day,
        reassess_after_days=settings.reassess_after_days,
        socle_labels=glance.SOCLE_LABELS,
        ago=glance.ago,
    )


HOME_PAGES = [home, due_list]
