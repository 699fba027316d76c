"""Request and response shapes of the voucher API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from inclusion.vocabulary import ClaimStatus, PrescriberType, VoucherStatus

Name = Annotated[str, Meta(min_length=1, max_length=200)]
Cents = Annotated[int, Meta(ge=1, le=100_000, description="Montant en centimes d'euro")]
Tolerance = Annotated[int, Meta(ge=0, le=365, description="Jours de tolérance après la fin de validité")]
Minutes = Annotated[int, Meta(ge=1, le=720, description="Minutes d'activité payées par un Pass")]
VoucherNumber = Annotated[str, Meta(min_length=1, max_length=40, description="Numéro imprimé sur le Pass")]


class SchemeCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    operator: Annotated[str, Meta(max_length=200)] = ""
    face_value_cents: Cents
    valid_until: date
    tolerance_days: Tolerance = 0
    minutes_per_voucher: Minutes
    site_ids: list[int] = msgspec.field(default_factory=list)


class SchemePatch(Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    name: Name | UnsetType = UNSET
    operator: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    face_value_cents: Cents | UnsetType = UNSET
    valid_until: date | UnsetType = UNSET
    tolerance_days: Tolerance | UnsetType = UNSET
    minutes_per_voucher: Minutes | UnsetType = UNSET
    site_ids: list[int] | UnsetType = UNSET


class SchemeOut(Struct, kw_only=True):
    id: int
    name: str
    operator: str
    face_value_cents: int
    valid_until: date
    tolerance_days: int
    last_valid_day: date
    minutes_per_voucher: int
    site_ids: list[int]


class BookletCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    """The vouchers are either a range (`first_number`…`last_number`) or a list (`numbers`)."""

    scheme_id: int
    site_id: int | None = None
    number: Annotated[str, Meta(min_length=1, max_length=40, description="Numéro du carnet")]
    prescriber_name: Name
    prescriber_type: PrescriberType
    received_on: date | None = None
    first_number: VoucherNumber | None = None
    last_number: VoucherNumber | None = None
    numbers: list[VoucherNumber] = msgspec.field(default_factory=list)


class BookletImport(Struct, forbid_unknown_fields=True, kw_only=True):
    """A CSV (`;` or `,`), one line per voucher: carnet;prescripteur;type_prescripteur;numero."""

    scheme_id: int
    site_id: int | None = None
    received_on: date | None = None
    csv: Annotated[str, Meta(max_length=2_000_000)]


class BookletOut(Struct, kw_only=True):
    id: int
    site_id: int
    scheme_id: int
    scheme_name: str
    number: str
    prescriber_name: str
    prescriber_type: PrescriberType
    received_on: date
    voucher_count: int
    by_status: dict[str, int]


class BookletPage(Struct):
    items: list[BookletOut]
    total: int
    page: int
    per_page: int
    pages: int


class VoucherOut(Struct, kw_only=True):
    id: int
    number: str
    scheme_id: int
    scheme_name: str
    booklet_id: int
    booklet_number: str
    site_id: int
    status: VoucherStatus
    value_cents: int
    last_valid_day: date
    learner_id: int | None
    learner_name: str
    issued_on: date | None
    activity_id: int | None
    redeemed_on: date | None
    claim_id: int | None
    ended_on: date | None


class BookletDetail(BookletOut, kw_only=True):
    vouchers: list[VoucherOut]


class BookletImportOut(Struct):
    booklets: list[BookletOut]
    vouchers: int


class VoucherPage(Struct):
    items: list[VoucherOut]
    total: int
    page: int
    per_page: int
    pages: int


class EventOut(Struct, kw_only=True):
    from_status: VoucherStatus | None
    to_status: VoucherStatus
    at: datetime
    actor_email: str
    learner_id: int | None
    activity_id: int | None
    claim_id: int | None
    note: str


class VoucherDetail(VoucherOut, kw_only=True):
    history: list[EventOut]


class IssueRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    learner_id: int
    issued_on: date | None = None


class RedeemRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    activity_id: int


class CancelRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Annotated[str, Meta(max_length=300)] = ""


class PaidFor(Struct, kw_only=True):
    """What a redeemed voucher paid for."""

    activity_id: int
    date: date
    type: str
    title: str
    duration_minutes: int


class LearnerVoucherOut(VoucherOut, kw_only=True):
    paid_for: PaidFor | None


class ClaimCreate(Struct, forbid_unknown_fields=True, kw_only=True):
    scheme_id: int
    site_id: int | None = None
    date_from: date
    date_to: date


class PaymentRequest(Struct, forbid_unknown_fields=True, kw_only=True):
    amount_cents: Annotated[int, Meta(ge=1, le=100_000_000, description="Montant reçu, en centimes")]
    paid_on: date


class ClaimLine(Struct, kw_only=True):
    voucher_id: int
    number: str
    date: date
    activity_id: int
    activity: str
    value_cents: int


class ClaimOut(Struct, kw_only=True):
    id: int
    site_id: int
    site_name: str
    scheme_id: int
    scheme_name: str
    date_from: date
    date_to: date
    status: ClaimStatus
    voucher_count: int
    total_cents: int
    paid_amount_cents: int | None
    paid_on: date | None
    created_at: datetime


class ClaimDetail(ClaimOut, kw_only=True):
    lines: list[ClaimLine]


class ClaimPage(Struct):
    items: list[ClaimOut]
    total: int
    page: int
    per_page: int
    pages: int


class ReportRow(Struct, kw_only=True):
    booklets: int
    issued: int
    redeemed: int
    expired: int
    redemption_rate: float | None
    redeemed_value_cents: int


class PrescriberRow(ReportRow, kw_only=True):
    prescriber_type: PrescriberType
    prescriber_name: str


class MonthRow(ReportRow, kw_only=True):
    month: Annotated[str, Meta(description="AAAA-MM")]


class VoucherReport(Struct, kw_only=True):
    """Counts for the vouchers of the sites asked for; see `inclusion/vouchers/reports.py` for each figure."""

    site_id: int | None
    date_from: date
    date_to: date
    totals: ReportRow
    by_prescriber: list[PrescriberRow]
    by_month: list[MonthRow]
