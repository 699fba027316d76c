from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from inclusion.vocabulary import (
    ActivityType,
    AdminTopic,
    AgeBand,
    Autonomy,
    Device,
    DigitalTopic,
    Gender,
    Partner,
    Place,
    ReferralType,
    SocialStatus,
    WorkshopLevel,
)

Minutes = Annotated[int, Meta(description="Durée en minutes entières (1 à 1 439, comme La Coop)")]
Devices = Annotated[
    list[Device], Meta(max_length=5, description="Matériel utilisé, un ou plusieurs (`materiel` de La Coop)")
]
InseeCode = Annotated[str, Meta(max_length=5, description="Code INSEE de la commune du lieu (hors lieu d'activité)")]
PostalCode = Annotated[str, Meta(max_length=5, description="Code postal de la commune du lieu (hors lieu d'activité)")]
City = Annotated[str, Meta(max_length=100, description="Nom de la commune du lieu (hors lieu d'activité)")]
ProcedureName = Annotated[
    str, Meta(max_length=200, description="Nom de la démarche (`precisions_demarche` de La Coop)")
]
ClockTime = Annotated[
    str, Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Heure de début, HH:MM", examples=["14:00"])
]
Count = Annotated[int, Meta(ge=0, le=10000)]


class AnonymousPerson(Struct, forbid_unknown_fields=True):
    """An individual session with someone who has no file."""

    age_band: AgeBand = AgeBand.non_communique
    gender: Gender = Gender.non_communique
    social_status: SocialStatus = SocialStatus.non_communique


class Referral(Struct, forbid_unknown_fields=True):
    type: ReferralType
    name: Annotated[str, Meta(max_length=200)] = ""
    note: Annotated[str, Meta(max_length=1000)] = ""


class Participant(Struct, forbid_unknown_fields=True):
    learner_id: int
    present: bool = True


class Breakdown(Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Anonymous participants counted by band; each breakdown given must add up to the anonymous count."""

    age_band: dict[AgeBand, Count] | None = None
    gender: dict[Gender, Count] | None = None
    social_status: dict[SocialStatus, Count] | None = None


class ActivityFields(Struct, forbid_unknown_fields=True, kw_only=True):
    date: date
    duration_minutes: Minutes
    start_time: ClockTime | None = None
    place: Place = Place.lieu_activite
    digital_topics: list[DigitalTopic] = msgspec.field(default_factory=list)
    admin_topics: list[AdminTopic] = msgspec.field(default_factory=list)
    devices: Devices = msgspec.field(default_factory=list)
    device: Device | None = None  # before `devices`: still read, as a list of one
    place_insee_code: InseeCode = ""
    place_postal_code: PostalCode = ""
    place_city: City = ""
    adviser_id: int | None = None
    note: Annotated[str, Meta(max_length=5000)] = ""
    learner_id: int | None = None
    anonymous_person: AnonymousPerson | None = None
    autonomy: Autonomy | None = None
    referral: Referral | None = None
    referred: bool | None = None
    procedure_name: ProcedureName = ""
    partner: Partner | None = None
    coop_id: Annotated[str, Meta(max_length=36, description="Identifiant de l'activité dans La Coop (ID CRA)")] = ""
    title: Annotated[str, Meta(max_length=200)] = ""
    level: WorkshopLevel | None = None
    participants: list[Participant] = msgspec.field(default_factory=list)
    anonymous_count: Count = 0
    anonymous_breakdown: Breakdown | None = None


class ActivityCreate(ActivityFields, kw_only=True):
    type: ActivityType
    site_id: int | None = None
    repeat_weeks: Annotated[int, Meta(ge=1, le=52, description="Répéter chaque semaine, N séances au total")] = 1


class ActivityPatch(Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    date: date | UnsetType = UNSET
    duration_minutes: Minutes | UnsetType = UNSET
    start_time: ClockTime | None | UnsetType = UNSET
    place: Place | UnsetType = UNSET
    digital_topics: list[DigitalTopic] | UnsetType = UNSET
    admin_topics: list[AdminTopic] | UnsetType = UNSET
    devices: Devices | UnsetType = UNSET
    device: Device | None | UnsetType = UNSET
    place_insee_code: InseeCode | UnsetType = UNSET
    place_postal_code: PostalCode | UnsetType = UNSET
    place_city: City | UnsetType = UNSET
    note: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    learner_id: int | None | UnsetType = UNSET
    anonymous_person: AnonymousPerson | None | UnsetType = UNSET
    autonomy: Autonomy | None | UnsetType = UNSET
    referral: Referral | None | UnsetType = UNSET
    referred: bool | None | UnsetType = UNSET
    procedure_name: ProcedureName | UnsetType = UNSET
    partner: Partner | None | UnsetType = UNSET
    title: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    level: WorkshopLevel | None | UnsetType = UNSET
    participants: list[Participant] | UnsetType = UNSET
    anonymous_count: Count | UnsetType = UNSET
    anonymous_breakdown: Breakdown | None | UnsetType = UNSET


class DuplicateRequest(Struct, forbid_unknown_fields=True):
    date: date | None = None


class ParticipantOut(Struct):
    learner_id: int
    display_name: str
    present: bool


class ActivityOut(Struct, kw_only=True):
    id: int
    type: ActivityType
    site_id: int
    date: date
    start_time: str | None
    duration_minutes: int
    place: Place
    digital_topics: list[DigitalTopic]
    admin_topics: list[AdminTopic]
    devices: list[Device]
    device: Device | None  # the first of `devices`, for clients written before the list
    place_insee_code: str
    place_postal_code: str
    place_city: str
    adviser_id: int | None
    adviser_name: str
    note: str
    learner_id: int | None
    learner_name: str | None
    anonymous_person: AnonymousPerson | None
    autonomy: Autonomy | None
    referral: Referral | None
    referred: bool | None
    procedure_name: str
    partner: Partner | None
    coop_id: str
    title: str
    level: WorkshopLevel | None
    participants: list[ParticipantOut]
    anonymous_count: int
    anonymous_breakdown: Breakdown | None
    series: str
    created_at: datetime
    updated_at: datetime


class ActivityPage(Struct):
    items: list[ActivityOut]
    total: int
    page: int
    per_page: int
    pages: int


class SiteDayIn(Struct, forbid_unknown_fields=True):
    open: bool = True
    visitors: Count = 0
    note: Annotated[str, Meta(max_length=300)] = ""


class SiteDayOut(Struct):
    site_id: int
    day: date
    open: bool
    visitors: int
    activities: int
    note: str


class CoopImport(Struct, forbid_unknown_fields=True, kw_only=True):
    """A Coop activity export (its XLSX, or saved as CSV with `;` or `,`), for one of the caller's sites."""

    site_id: int | None = None
    dry_run: bool = False
    csv: Annotated[str, Meta(max_length=10_000_000)] = ""
    xlsx: Annotated[
        bytes, Meta(max_length=10_000_000, description="L'export XLSX de La Coop, en base64 (au lieu de csv)")
    ] = b""


class CoopImportOut(Struct):
    dry_run: bool
    lines: int  # accompaniments read
    created: int  # activities written (or that would be, in a dry run)
    already: int  # activities the site already held (same ID CRA): left as they are
