"""The public side of a certificate: what its code proves, whether an uploaded PDF is the one issued,
and the per-address rate limit that keeps anyone from trying codes in bulk."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta
from typing import Any

from inclusion.certificates import codes
from inclusion.clock import day_of, now
from inclusion.errors import NotFound, TooManyAttempts
from inclusion.settings import Settings
from inclusion.storage import db
from inclusion.storage.tables.certificates import Certificate, VerificationLookup
from inclusion.vocabulary import CERTIFICATE_STATUS_LABELS, CertificateStatus

UNKNOWN = "Aucune attestation ne porte ce code."


async def count_lookup(settings: Settings, ip: str, quota: int | None = None, what: str = "vérifications") -> None:
    """Record one look-up from `ip`; TooManyAttempts (nothing recorded) once the window's quota is spent.
    Other public routes count under their own key in `ip` (e.g. "partage 192.0.2.1"), with their own quota."""
    moment = now()
    window = timedelta(minutes=settings.verify_window_minutes)
    quota = quota or settings.verify_max_lookups
    async with db.write_transaction():
        recent = (
            await VerificationLookup.select(VerificationLookup.looked_up_at)
            .where(VerificationLookup.ip == ip, VerificationLookup.looked_up_at >= moment - window)
            .order_by(VerificationLookup.looked_up_at, ascending=False)
            .limit(quota)
            .run()
        )
        if len(recent) >= quota:
            wait = int((recent[-1]["looked_up_at"] + window - moment).total_seconds()) + 1
            minutes = max(1, -(-wait // 60))
            plural = "s" if minutes > 1 else ""
            message = f"Trop de {what} depuis votre adresse. Réessayez dans {minutes} minute{plural}."
            raise TooManyAttempts(max(1, wait), message)
        await VerificationLookup.delete().where(VerificationLookup.looked_up_at < moment - window).run()
        await VerificationLookup.insert(VerificationLookup(ip=ip, looked_up_at=moment)).run()


async def _certificate(raw_code: str) -> dict[str, Any]:
    code = codes.normalised(raw_code)
    if code is None:
        raise NotFound(UNKNOWN)
    row = await (
        Certificate.select(
            Certificate.code,
            Certificate.sha256,
            Certificate.issued_at,
            Certificate.revoked_at,
            Certificate.site.name.as_alias("site_name"),
            Certificate.snapshot,
        )
        .where(Certificate.code == code)
        .first()
        .output(load_json=True)
        .run()
    )
    if row is None:
        raise NotFound(UNKNOWN)
    return row


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """Only the status, the dates, the site and the first name with the initial: never the whole name."""
    status = CertificateStatus.revoked if row["revoked_at"] else CertificateStatus.valid
    return {
        "code": row["code"],
        "status": status,
        "status_label": CERTIFICATE_STATUS_LABELS[status],
        "issued_on": date.fromisoformat(row["snapshot"]["issued_on"]),
        "revoked_on": day_of(row["revoked_at"]) if row["revoked_at"] else None,
        "site": row["site_name"],
        "learner": row["snapshot"].get("learner", {}).get("public_name") or "—",
    }


async def verify(raw_code: str) -> dict[str, Any]:
    return _public(await _certificate(raw_code))


async def check_upload(raw_code: str, document: bytes) -> dict[str, Any]:
    """Whether `document` is byte for byte the PDF issued under this code (compared by SHA-256)."""
    row = await _certificate(raw_code)
    matches = hmac.compare_digest(hashlib.sha256(document).hexdigest(), row["sha256"])
    return {"matches": matches, "verification": _public(row)}
