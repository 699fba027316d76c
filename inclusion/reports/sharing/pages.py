"""Share links in the browser: the dashboard's "Partager ce rapport" form, the caller's links with revoke (after a
confirmation step), and the public read-only report a link opens (no login, rate-limited like /verify)."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from inclusion import clock
from inclusion.certificates.verification import count_lookup
from inclusion.clock import now
from inclusion.errors import InvalidData, TooManyAttempts
from inclusion.reports import pool
from inclusion.reports.api import download
from inclusion.reports.scope import parse_day
from inclusion.reports.sharing import links as shares
from inclusion.web.params import CurrentCaller
from inclusion.web.templates import page

PUBLIC = {"public": True}
SHARING = {"roles": shares.SHARERS}
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


async def _list_page(request: Request, caller, status_code: int = 200, **context: Any) -> Template:
    links = await shares.list_shares(caller, clock.today())
    return page(request, "pages/outcome_shares.html", status_code, links=links, **context)


@get("/reports/outcomes/shares", include_in_schema=False, opt=SHARING)
async def share_list(request: Request, caller: CurrentCaller) -> Template:
    return await _list_page(request, caller, revoked=request.query_params.get("revoked") == "1")


@post("/reports/outcomes/shares", include_in_schema=False, opt=SHARING, status_code=201)
async def share_create(request: Request, caller: CurrentCaller) -> Template:
    """Make the link and show its URL, once: the server keeps only its hash."""
    form = await request.form()
    settings = request.app.state.settings
    try:
        site_ids = [int(value) for value in form.getall("site", []) if str(value).isdigit()]
        period = parse_day(str(form.get("from", "")), "from"), parse_day(str(form.get("to", "")), "to")
        expires_on = parse_day(str(form.get("expires_on", "")).strip(), "expires_on")
        created = await shares.create_share(
            caller, settings.secret_key, settings.base_url, site_ids, period, expires_on, clock.today()
        )
    except InvalidData as exc:
        return await _list_page(request, caller, 422, errors=exc.fields)
    except TooManyAttempts as exc:
        return await _list_page(request, caller, 429, errors={"pace": exc.message})
    return await _list_page(request, caller, 201, created=created)


@get("/reports/outcomes/shares/{share_id:int}/revoke", include_in_schema=False, opt=SHARING)
async def share_confirm_revoke(request: Request, caller: CurrentCaller, share_id: FromPath[int]) -> Template:
    link = await shares.get_share(caller, share_id, clock.today())
    return page(request, "pages/outcome_share_revoke.html", link=link)


@post("/reports/outcomes/shares/{share_id:int}/revoke", include_in_schema=False, opt=SHARING)
async def share_revoke(caller: CurrentCaller, share_id: FromPath[int]) -> Redirect:
    await shares.revoke_share(caller, share_id)
    return Redirect("/reports/outcomes/shares?revoked=1", status_code=303)


@get("/shared/reports/{token:str}", include_in_schema=False, opt=PUBLIC, media_type=MediaType.HTML)
async def shared_report(request: Request, token: FromPath[str]) -> Template | Response:
    """The report a link shares, read-only; `.pdf` and `.csv` at the end of the token give those files."""
    settings = request.app.state.settings
    token, extension = (token[:-4], token[-3:]) if token.endswith((".pdf", ".csv")) else (token, "")
    share_id = shares.checked_share_id(settings.secret_key, token)  # before any database work
    await count_lookup(settings, f"partage {_client_ip(request)}", settings.share_max_views, "consultations")
    share, scope = await shares.shared_scope(share_id, token, clock.today())
    report, made = await pool.scope_report(settings, scope, extension or "context", now())
    if extension:
        return download(report, made, extension, PRIVATE)
    response = page(
        request,
        "pages/outcomes.html",
        form={"from": "", "to": "", "sites": []},
        choices=[],
        query="",
        downloads=f"/shared/reports/{token}",
        shared=share,
        errors={},
        **made,
    )
    response.headers.update(PRIVATE)
    return response


SHARE_PAGES = [share_list, share_create, share_confirm_revoke, share_revoke, shared_report]
