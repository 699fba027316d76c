"""The audit log: who read, changed or exported personal data, and when. Rows are only ever added."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from piccolo.utils.encoding import dump_json

from inclusion.clock import now
from inclusion.scoping import Caller, site_filter
from inclusion.storage import sql
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.audit import AuditEntry


class Action(StrEnum):
    view = "view"
    create = "create"
    update = "update"
    export = "export"
    anonymise = "anonymise"
    merge = "merge"
    assess = "assess"
    redeem = "redeem"
    certify = "certify"
    revoke = "revoke"
    share = "share"
    unshare = "unshare"
    deactivate = "deactivate"
    reactivate = "reactivate"
    password_reset = "password_reset"


ACTION_LABELS = {
    Action.view: "Consultation",
    Action.create: "Création",
    Action.update: "Modification",
    Action.export: "Export",
    Action.anonymise: "Anonymisation",
    Action.merge: "Fusion",
    Action.assess: "Évaluation",
    Action.redeem: "Encaissement",
    Action.certify: "Délivrance d'attestation",
    Action.revoke: "Révocation d'attestation",
    Action.share: "Lien de partage d'un rapport",
    Action.unshare: "Révocation d'un lien de partage",
    Action.deactivate: "Désactivation d'un compte",
    Action.reactivate: "Réactivation d'un compte",
    Action.password_reset: "Réinitialisation d'un mot de passe",
}
COLUMNS = (
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.actor_email,
    AuditEntry.site,
    AuditEntry.action,
    AuditEntry.target_type,
    AuditEntry.target_id,
    AuditEntry.detail,
)


async def record(
    caller: Caller | None,
    action: Action,
    target_type: str,
    target_id: int | None,
    site_id: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one entry. `detail` must never hold a name: it outlives anonymisation."""
    await record_for_sites(caller, action, target_type, target_id, [site_id], detail)


async def record_for_sites(
    caller: Caller | None,
    action: Action,
    target_type: str,
    target_id: int | None,
    site_ids: list[int | None],
    detail: dict[str, Any] | None = None,
) -> None:
    """One entry per site, in one statement: an act that concerns several sites (a report shared) shows in the
    journal of each, which their coordinators read. `detail` must never hold a name."""
    await AuditEntry.insert(
        *[
            AuditEntry(
                actor=caller.user_id if caller and caller.via != "system" else None,
                actor_email=caller.email if caller else "",
                site=site_id,
                action=action.value,
                target_type=target_type,
                target_id=target_id,
                detail=detail or {},
            )
            for site_id in site_ids
        ]
    ).run()


def entry_statement(
    caller: Caller | None,
    action: Action,
    target_type: str,
    target_id: int | None,
    site_id: int | None,
    detail: dict[str, Any] | None = None,
) -> tuple[str, list[Any]]:
    """`record` as a statement of a plan (`storage.sql.transact`): the same row, written with the plan's others."""
    return sql.insert_statement(
        "audit_entry",
        {
            "at": now(),
            "actor": caller.user_id if caller and caller.via != "system" else None,
            "actor_email": caller.email if caller else "",
            "site": site_id,
            "action": action.value,
            "target_type": target_type,
            "target_id": target_id,
            "detail": dump_json(detail or {}),
        },
    )


def _shaped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as AuditEntryOut names them."""
    for row in rows:
        row["actor_id"], row["site_id"] = row.pop("actor"), row.pop("site")
    return rows


async def list_entries(
    caller: Caller,
    page: PageRequest,
    target_type: str | None = None,
    target_id: int | None = None,
    actor_id: int | None = None,
    action: Action | None = None,
) -> PageResult:
    clauses = [clause for clause in [site_filter(caller, AuditEntry.site)] if clause is not None]
    if target_type:
        clauses.append(AuditEntry.target_type == target_type)
    if target_id is not None:
        clauses.append(AuditEntry.target_id == target_id)
    if actor_id is not None:
        clauses.append(AuditEntry.actor == actor_id)
    if action:
        clauses.append(AuditEntry.action == action.value)
    result = await fetch_page(AuditEntry, COLUMNS, clauses, [AuditEntry.id], page, descending=True)
    return PageResult(_shaped(result.rows), result.total, result.page, result.per_page)


async def entries_about(target_type: str, target_id: int) -> list[dict[str, Any]]:
    return _shaped(
        await AuditEntry.select(*COLUMNS)
        .where(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id)
        .order_by(AuditEntry.id)
        .output(load_json=True)
        .run()
    )
