"""Certificates: issue (snapshot, PDF, hash, audit), read, list, download and revoke, scoped to the caller's sites."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from piccolo.utils.encoding import dump_json

from inclusion import clock
from inclusion.audit.services import Action, entry_statement, record
from inclusion.certificates import codes, rendering, snapshot
from inclusion.certificates.schemas import CertificateCreate
from inclusion.clock import now
from inclusion.errors import Conflict, InvalidData, NotFound, PermissionDenied
from inclusion.scoping import Caller, Role, one_in_scope, site_filter, site_sql
from inclusion.storage import sql
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.certificates import Certificate, CertificateFile
from inclusion.vocabulary import CertificateStatus

TARGET = "learner"  # audit entries name the learner, so they appear in the file's history and export
NOT_FOUND = "Attestation introuvable."
COLUMNS = (
    Certificate.id,
    Certificate.code,
    Certificate.learner,
    Certificate.site,
    Certificate.period_start,
    Certificate.period_end,
    Certificate.issued_at,
    Certificate.issued_by,
    Certificate.issued_by.display_name.as_alias("issued_by_name"),
    Certificate.sha256,
    Certificate.size_bytes,
    Certificate.revoked_at,
    Certificate.revoke_reason,
)


def as_output(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "learner_id": row["learner"],
        "site_id": row["site"],
        "issued_by_id": row["issued_by"],
        "issued_by_name": row["issued_by_name"] or "",
        "status": CertificateStatus.revoked if row["revoked_at"] else CertificateStatus.valid,
        "verify_url": f"/verify/{row['code']}",
        "pdf_url": f"/api/v1/certificates/{row['id']}.pdf",
    }


async def prepare(
    caller: Caller, learner_id: int, start: date | None, end: date | None, base_url: str, force: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The learner and the frozen snapshot of a new certificate (not yet rendered nor stored); `force` confirms a
    period without any activity (Conflict otherwise, its detail naming the field "force")."""
    learner = await snapshot.learner_for_certificate(caller, learner_id)
    start, end = snapshot.checked_period(learner, start, end, clock.today())
    code = codes.new_code()
    content = await snapshot.build(
        caller,
        learner,
        start,
        end,
        code=code,
        verify_url=f"{base_url}/verify/{code}",
        issued_on=clock.today(),
        adviser_name=caller.display_name,
        force=force,
    )
    return learner, content


async def store(caller: Caller, learner: dict[str, Any], content: dict[str, Any], pdf: bytes) -> dict[str, Any]:
    """Record the issued certificate, its PDF bytes and their SHA-256, and audit the issue: one statement plan."""
    return await get_certificate(caller, await sql.transact_here(_stored(caller, learner, content, pdf)))


def _stored(caller: Caller, learner: dict[str, Any], content: dict[str, Any], pdf: bytes) -> sql.Plan[int]:
    row = {
        "site": learner["site"],
        "learner": learner["id"],
        "code": content["code"],
        "period_start": date.fromisoformat(content["period"]["start"]),
        "period_end": date.fromisoformat(content["period"]["end"]),
        "snapshot": dump_json(content),
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "size_bytes": len(pdf),
        "issued_by": caller.user_id or None,
        "issued_at": now(),
        "revoked_at": None,
        "revoked_by": None,
        "revoke_reason": "",
    }
    created = yield sql.insert_statement("certificate", row)
    certificate_id = created[0]["id"]
    yield sql.insert_statement("certificate_file", {"certificate": certificate_id, "pdf": pdf})
    yield entry_statement(
        caller, Action.certify, TARGET, learner["id"], learner["site"], {"certificate": certificate_id}
    )
    return certificate_id


async def issue(caller: Caller, data: CertificateCreate, base_url: str) -> dict[str, Any]:
    learner, content = await prepare(caller, data.learner_id, data.period_start, data.period_end, base_url, data.force)
    return await store(caller, learner, content, await rendering.render(content))


async def get_certificate(caller: Caller, certificate_id: int, with_snapshot: bool = False) -> dict[str, Any]:
    columns = (*COLUMNS, Certificate.snapshot) if with_snapshot else COLUMNS
    query = Certificate.select(*columns).where(Certificate.id == certificate_id)
    return as_output(await one_in_scope(query, caller, Certificate.site, NOT_FOUND))


async def list_certificates(
    caller: Caller, page: PageRequest, learner_id: int | None = None, site_id: int | None = None
) -> PageResult:
    clauses: list[Any] = [clause for clause in [site_filter(caller, Certificate.site)] if clause is not None]
    if learner_id is not None:
        clauses.append(Certificate.learner == learner_id)
    if site_id is not None:
        clauses.append(Certificate.site == site_id)
    result = await fetch_page(Certificate, COLUMNS, clauses, [Certificate.issued_at, Certificate.id], page, True)
    return PageResult([as_output(row) for row in result.rows], result.total, result.page, result.per_page)


async def of_learner(learner_id: int) -> list[dict[str, Any]]:
    """Every certificate of a learner whose file the caller already reached, with its snapshot (access right)."""
    rows = (
        await Certificate.select(*COLUMNS, Certificate.snapshot)
        .where(Certificate.learner == learner_id)
        .order_by(Certificate.issued_at, ascending=False)
        .output(load_json=True)
        .run()
    )
    return [as_output(row) for row in rows]


async def pdf_of(caller: Caller, certificate_id: int) -> tuple[dict[str, Any], bytes]:
    """The certificate and its PDF exactly as issued; reading it is audited."""
    row = await get_certificate(caller, certificate_id)
    stored = await CertificateFile.select(CertificateFile.pdf).where(CertificateFile.certificate == certificate_id)
    if not stored:
        raise Conflict("Le PDF de cette attestation a été effacé avec les données de la personne.")
    await record(caller, Action.view, TARGET, row["learner_id"], row["site_id"], {"certificate": certificate_id})
    return row, bytes(stored[0]["pdf"])


async def revoke(caller: Caller, certificate_id: int, reason: str) -> dict[str, Any]:
    """A coordinator (or an administrator) withdraws a certificate; it then verifies as revoked."""
    if caller.role not in (Role.admin, Role.coordinator):
        raise PermissionDenied("Seul un coordinateur ou un administrateur peut révoquer une attestation.")
    reason = reason.strip()
    if len(reason) < 3:
        raise InvalidData({"reason": "Indiquez le motif de la révocation (3 caractères au moins)."})
    await sql.transact_here(_revoked(caller, certificate_id, reason))
    return await get_certificate(caller, certificate_id)


def _revoked(caller: Caller, certificate_id: int, reason: str) -> sql.Plan[None]:
    scope, scope_args = site_sql(caller, "site")
    rows = yield (
        "SELECT learner, site, revoked_at FROM certificate WHERE id = {}" + scope,
        [certificate_id, *scope_args],
    )
    if not rows:
        raise NotFound(NOT_FOUND)
    row = rows[0]
    values = {"revoked_at": now(), "revoked_by": caller.user_id, "revoke_reason": reason}
    done = yield sql.update_statement("certificate", values, "id = {} AND revoked_at IS NULL", certificate_id)
    if not done:
        since = f" depuis le {row['revoked_at']:%d/%m/%Y}" if row["revoked_at"] else ""
        raise Conflict(f"Cette attestation est déjà révoquée{since}.")
    yield entry_statement(caller, Action.revoke, TARGET, row["learner"], row["site"], {"certificate": certificate_id})
