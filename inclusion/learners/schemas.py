from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from inclusion.activities.schemas import ActivityOut
from inclusion.assessments.schemas import AssessmentOut
from inclusion.audit.schemas import AuditEntryOut
from inclusion.vocabulary import AgeBand, Gender, SocialStatus
from inclusion.vouchers.schemas import LearnerVoucherOut

Name = Annotated[str, Meta(max_length=100)]
BirthYear = Annotated[int, Meta(ge=1900, le=2100, description="Année de naissance (jamais la date complète)")]
Phone = Annotated[str, Meta(max_length=20)]
Email = Annotated[str, Meta(max_length=254)]
Notes = Annotated[str, Meta(max_length=5000)]
Insee = Annotated[str, Meta(max_length=5, description="Code INSEE de la commune de résidence")]


class LearnerFields(Struct, forbid_unknown_fields=True, kw_only=True):
    first_name: Name = ""
    last_name: Name = ""
    pseudonym: Name = ""
    birth_year: BirthYear | None = None
    age_band: AgeBand | None = None
    gender: Gender = Gender.non_communique
    social_status: SocialStatus = SocialStatus.non_communique
    insee_code: Insee = ""
    qpv: bool = False
    rural: bool = False
    phone: Phone = ""
    email: Email = ""
    consent_on: date | None = None
    consent_follow_up: bool = False
    consent_certificate: bool = False
    notes: Notes = ""
    first_visit_on: date | None = None


class LearnerCreate(LearnerFields, kw_only=True):
    site_id: int | None = None
    confirm_duplicate: bool = False


class LearnerPatch(Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    first_name: Name | UnsetType = UNSET
    last_name: Name | UnsetType = UNSET
    pseudonym: Name | UnsetType = UNSET
    birth_year: BirthYear | None | UnsetType = UNSET
    age_band: AgeBand | UnsetType = UNSET
    gender: Gender | UnsetType = UNSET
    social_status: SocialStatus | UnsetType = UNSET
    insee_code: Insee | UnsetType = UNSET
    qpv: bool | UnsetType = UNSET
    rural: bool | UnsetType = UNSET
    phone: Phone | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    consent_on: date | None | UnsetType = UNSET
    consent_follow_up: bool | UnsetType = UNSET
    consent_certificate: bool | UnsetType = UNSET
    notes: Notes | UnsetType = UNSET
    first_visit_on: date | UnsetType = UNSET


class LearnerOut(Struct, kw_only=True):
    id: int
    site_id: int
    display_name: str
    first_name: str
    last_name: str
    pseudonym: str
    birth_year: int | None
    age_band: AgeBand
    gender: Gender
    social_status: SocialStatus
    insee_code: str
    qpv: bool
    rural: bool
    phone: str
    email: str
    consent_on: date | None
    consent_follow_up: bool
    consent_certificate: bool
    notes: str
    first_visit_on: date
    last_contact_on: date
    anonymised: bool
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime


class LearnerListItem(LearnerOut, kw_only=True):
    last_activity_on: Annotated[
        date | None,
        Meta(description="Jour de la dernière activité suivie (séance, ou atelier où l'apprenant était présent), "
             "aujourd'hui ou avant ; null s'il n'y en a aucune"),
    ]  # fmt: skip
    fragility: Annotated[
        Literal["fragile", "autonome_socle", "non_evalue"],
        Meta(description="Socle du référentiel par défaut, dernier niveau de chaque compétence évaluée : "
             "« fragile » (au moins une sous « autonome »), « autonome_socle » (toutes autonomes) ou "
             "« non_evalue » (aucune compétence du socle évaluée)"),
    ]  # fmt: skip


class LearnerPage(Struct):
    items: list[LearnerListItem]
    total: int
    page: int
    per_page: int
    pages: int


class LearnerExport(Struct, kw_only=True):
    """Everything held on a learner (right of access)."""

    exported_at: datetime
    learner: LearnerOut
    assessments: list[AssessmentOut]
    activities: list[ActivityOut]
    vouchers: list[LearnerVoucherOut]
    certificates: list[dict]
    audit: list[AuditEntryOut]


class MergeRequest(Struct, forbid_unknown_fields=True):
    duplicate_id: Annotated[int, Meta(description="La fiche à fondre dans celle-ci ; elle disparaît des listes")]


class LearnerImport(Struct, forbid_unknown_fields=True, kw_only=True):
    """Learner files from a spreadsheet saved as CSV (`;` or `,`): our template (nom;prenom;annee_naissance;genre;
    tranche_age;statut;code_insee;telephone;email;notes) or La Coop's beneficiary import template (Nom, Prénom,
    Année de naissance, Commune, Code INSEE, Code postal, N° de téléphone, E-mail, Genre, Notes supplémentaires)."""

    site_id: int | None = None
    dry_run: bool = False
    csv: Annotated[str, Meta(max_length=10_000_000)] = ""
    xlsx: Annotated[bytes, Meta(max_length=10_000_000, description="Le classeur XLSX, en base64 (au lieu de csv)")] = (
        b""
    )


class LearnerImportOut(Struct):
    dry_run: bool
    lines: int  # people read
    created: int  # files written (or that would be, in a dry run)
    already: int  # people the site already has a live file for (same name and birth year): left as they are
