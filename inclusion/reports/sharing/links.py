"""Read-only share links to an outcomes report: made by a coordinator, a funder or an administrator for their
own scope, frozen at creation (sites, period, and for a funder the days its grants cover), with an expiry date.

Opening a link goes: signature (no database), then the stored share (same token hash, not revoked, creator
still active), then its expiry (410 once past). The figures are computed as for the creator, with the same
small-cell rules, on the frozen scope: the link never shows more than its creator could see that day."""

from __future__ import annotations

import hmac
from datetime import date, timedelta
from typing import Any

from inclusion.audit.services import Action, record_for_sites
from inclusion.clock import now
from inclusion.errors import Gone, InvalidData, NotFound, TooManyAttempts
from inclusion.reports.scope import ReportScope, check_period, resolve_scope
from inclusion.reports.sharing.tokens import digest, new_token, share_id_of
from inclusion.scoping import Caller, Role
from inclusion.storage import db
from inclusion.storage.tables.reports import ReportShare

DEFAULT_DAYS = 30
MAX_DAYS = 366
MAX_PER_HOUR = 20
SHARERS = {Role.admin, Role.coordinator, Role.funder}
UNKNOWN = "Ce lien de partage n'existe pas ou a été révoqué."
PATH = "/shared/reports/"


def expiry(expires_on: date | None, today: date) -> date:
    """The asked expiry date (30 days from today unless told): from today to at most a year ahead."""
    if expires_on is None:
        return today + timedelta(days=DEFAULT_DAYS)
    if expires_on < today:
        raise InvalidData({"expires_on": "La date d'expiration ne peut pas être passée."})
    if expires_on > today + timedelta(days=MAX_DAYS):
        raise InvalidData({"expires_on": "Un lien de partage expire au plus tard dans un an."})
    return expires_on


async def create_share(
    caller: Caller,
    secret_key: str,
    base_url: str,
    site_ids: list[int],
    period: tuple[date | None, date | None],
    expires_on: date | None,
    today: date,
) -> dict[str, Any]:
    """A new link to the report of these sites and this period as the caller sees it now; the URL is given once."""
    expires_on = expiry(expires_on, today)
    date_from, date_to = check_period(*period, today)
    scope = await resolve_scope(caller, site_ids, date_from, date_to)
    if not scope.sites:
        raise InvalidData({"sites": "Aucun site à partager sur cette période."})
    frozen = {
        "sites": [{"id": site["id"], "name": site["name"]} for site in scope.sites],
        "windows": {
            str(site): [[start.isoformat(), end.isoformat()] for start, end in scope.windows[site]]
            for site in scope.site_ids
        },
    }
    async with db.write_transaction():
        await _check_pace(caller)
        share = ReportShare(
            creator=caller.user_id, date_from=date_from, date_to=date_to, scope=frozen, expires_on=expires_on
        )
        share.token_sha256 = ""
        await share.save().run()
        token = new_token(secret_key, share.id)
        await ReportShare.update({ReportShare.token_sha256: digest(token)}).where(ReportShare.id == share.id).run()
        detail = {"sites": scope.site_ids, "from": date_from.isoformat(), "to": date_to.isoformat(),
                  "expires_on": expires_on.isoformat()}  # fmt: skip
        await record_for_sites(caller, Action.share, "report_share", share.id, scope.site_ids, detail)
    return {
        "id": share.id,
        "url": f"{base_url}{PATH}{token}",
        "expires_on": expires_on,
        "sites": frozen["sites"],
        "date_from": date_from,
        "date_to": date_to,
    }


async def _check_pace(caller: Caller) -> None:
    """At most MAX_PER_HOUR new links per account in any hour: each writes its scope and one audit entry per site
    (3,000 for the whole network), and a script looping on the form would fill both. 429 with the wait."""
    moment = now()
    recent = (
        await ReportShare.select(ReportShare.created_at)
        .where(ReportShare.creator == caller.user_id, ReportShare.created_at > moment - timedelta(hours=1))
        .order_by(ReportShare.created_at, ascending=False)
        .limit(MAX_PER_HOUR)
        .run()
    )
    if len(recent) >= MAX_PER_HOUR:
        wait = int((recent[-1]["created_at"] + timedelta(hours=1) - moment).total_seconds()) + 1
        minutes = max(1, -(-wait // 60))
        raise TooManyAttempts(
            wait,
            f"Vous avez créé {MAX_PER_HOUR} liens de partage en une heure : réessayez dans {minutes} minute"
            f"{'s' if minutes > 1 else ''}.",
        )


def _status(row: dict[str, Any], today: date) -> str:
    if row["revoked_at"] is not None:
        return "revoked"
    return "expired" if row["expires_on"] < today else "active"


SHARE_COLUMNS = (
    ReportShare.id,
    ReportShare.date_from,
    ReportShare.date_to,
    ReportShare.scope,
    ReportShare.expires_on,
    ReportShare.revoked_at,
)


async def list_shares(caller: Caller, today: date) -> list[dict[str, Any]]:
    """The caller's links, newest first (an administrator's: everyone's)."""
    query = (
        ReportShare.select(*SHARE_COLUMNS, ReportShare.created_at, ReportShare.creator.email.as_alias("creator_email"))
        .order_by(ReportShare.id, ascending=False)
        .output(load_json=True)
    )
    if not caller.is_admin:
        query = query.where(ReportShare.creator == caller.user_id)
    rows = await query.run()
    for row in rows:
        row["sites"] = row.pop("scope")["sites"]
        row["status"] = _status(row, today)
    return rows


async def get_share(caller: Caller, share_id: int, today: date) -> dict[str, Any]:
    for row in await list_shares(caller, today):
        if row["id"] == share_id:
            return row
    raise NotFound("Lien de partage introuvable.")


async def revoke_share(caller: Caller, share_id: int) -> None:
    """Revoke one of the caller's links (an administrator: anyone's); 404 for any other. Revoking twice is fine."""
    async with db.write_transaction():
        query = ReportShare.select(ReportShare.id, ReportShare.revoked_at, ReportShare.scope).where(
            ReportShare.id == share_id
        )
        if not caller.is_admin:
            query = query.where(ReportShare.creator == caller.user_id)
        row = await query.first().output(load_json=True).run()
        if row is None:
            raise NotFound("Lien de partage introuvable.")
        if row["revoked_at"] is None:
            await ReportShare.update({ReportShare.revoked_at: now()}).where(ReportShare.id == share_id).run()
            sites = [site["id"] for site in row["scope"]["sites"]]
            await record_for_sites(caller, Action.unshare, "report_share", share_id, sites, {})


def checked_share_id(secret_key: str, token: str) -> int:
    """The share a token names, by its signature alone (no database work); 404 when the token is not genuine."""
    share_id = share_id_of(secret_key, token)
    if share_id is None:
        raise NotFound(UNKNOWN)
    return share_id


async def shared_scope(share_id: int, token: str, today: date) -> tuple[dict[str, Any], ReportScope]:
    """The share and its frozen scope; 404 unknown, revoked or creator deactivated, 410 expired."""
    row = await (
        ReportShare.select(
            *SHARE_COLUMNS, ReportShare.token_sha256, ReportShare.creator.is_active.as_alias("creator_active")
        )
        .where(ReportShare.id == share_id)
        .first()
        .output(load_json=True)
        .run()
    )
    if row is None or not hmac.compare_digest(row["token_sha256"], digest(token)):
        raise NotFound(UNKNOWN)
    if row["revoked_at"] is not None or not row["creator_active"]:
        raise NotFound(UNKNOWN)
    if row["expires_on"] < today:
        day = row["expires_on"].strftime("%d/%m/%Y")
        raise Gone(f"Ce lien de partage a expiré le {day}. Demandez-en un nouveau à qui vous l'a transmis.")
    windows = {
        int(site): [(date.fromisoformat(start), date.fromisoformat(end)) for start, end in periods]
        for site, periods in row["scope"]["windows"].items()
    }
    return row, ReportScope(row["date_from"], row["date_to"], row["scope"]["sites"], windows)
