from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from msgspec import Meta, Struct

from inclusion.vocabulary import CertificateStatus


class CertificateCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    learner_id: int
    period_start: Annotated[date | None, Meta(description="Début de la période attestée (défaut : première venue)")] = (
        None
    )
    period_end: Annotated[date | None, Meta(description="Fin de la période attestée (défaut : aujourd'hui)")] = None
    force: Annotated[
        bool,
        Meta(
            description="Délivrer même si l'apprenant n'a suivi aucune séance ni aucun atelier sur la période "
            "(sans cela : 409, détail sur le champ « force »)"
        ),
    ] = False


class RevokeRequest(Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(min_length=3, max_length=500, description="Motif de la révocation")]


class CertificateOut(Struct, kw_only=True):
    id: int
    code: str
    learner_id: int
    site_id: int
    period_start: date
    period_end: date
    issued_at: datetime
    issued_by_id: int | None
    issued_by_name: str
    sha256: str
    size_bytes: int
    status: CertificateStatus
    revoked_at: datetime | None
    revoke_reason: str
    verify_url: str
    pdf_url: str


class CertificateDetail(CertificateOut, kw_only=True):
    """A certificate with the frozen snapshot of what it certifies."""

    snapshot: dict[str, Any]


class CertificatePage(Struct):
    items: list[CertificateOut]
    total: int
    page: int
    per_page: int
    pages: int


class Verification(Struct, kw_only=True):
    """What the public verification page tells anyone holding the code, and nothing more."""

    code: str
    status: CertificateStatus
    status_label: str
    issued_on: date
    revoked_on: date | None
    site: str
    learner: Annotated[str, Meta(description="Prénom et initiale du nom")]


class UploadCheck(Struct, kw_only=True):
    """Whether an uploaded PDF is, byte for byte, the one issued under this code."""

    matches: bool
    verification: Verification
