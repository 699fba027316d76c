"""Voucher figures for a site (or all the caller's sites) and a period, by prescriber and by month.

- booklets: booklets received in the period;
- issued: vouchers handed to a learner in the period;
- redeemed: vouchers used for an activity dated in the period (whatever happened to them since);
- expired: vouchers that expired in the period;
- redemption_rate: of the vouchers issued in the period, the share already used (None when none issued);
- redeemed_value_cents: face value of the vouchers redeemed in the period.
A month row counts each figure in the month of its own date. No learner appears in a report.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from inclusion.documents.spreadsheets import safe_row
from inclusion.errors import InvalidData
from inclusion.scoping import Caller, require_site, site_filter
from inclusion.storage.tables.vouchers import Booklet, Voucher
from inclusion.vocabulary import PRESCRIBER_TYPE_LABELS, PrescriberType, VoucherStatus
from inclusion.vouchers.lifecycle import USED

MEASURES = ("booklets", "issued", "redeemed", "expired", "redeemed_value_cents")
CSV_HEADER = ["regroupement", "cle", "carnets", "pass_remis", "pass_utilises", "pass_expires", "taux_utilisation_pct"]
CSV_HEADER += ["valeur_utilisee_euros"]


def _empty() -> dict[str, Any]:
    return {name: 0 for name in MEASURES} | {"issued_used": 0}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    used = row.pop("issued_used")
    row["redemption_rate"] = round(used / row["issued"], 4) if row["issued"] else None
    return row


def _within(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


async def voucher_report(caller: Caller, site_id: int | None, date_from: date, date_to: date) -> dict[str, Any]:
    if date_to < date_from:
        raise InvalidData({"date_to": "La fin de la période doit suivre son début."})
    booklet_clauses: list[Any] = [Booklet.received_on >= date_from, Booklet.received_on <= date_to]
    voucher_clauses: list[Any] = [
        ((Voucher.issued_on >= date_from) & (Voucher.issued_on <= date_to))
        | ((Voucher.redeemed_on >= date_from) & (Voucher.redeemed_on <= date_to))
        | ((Voucher.ended_on >= date_from) & (Voucher.ended_on <= date_to))
    ]
    if site_id is not None:
        require_site(caller, site_id)
        booklet_clauses.append(Booklet.site == site_id)
        voucher_clauses.append(Voucher.site == site_id)
    for clauses, column in ((booklet_clauses, Booklet.site), (voucher_clauses, Voucher.site)):
        if (clause := site_filter(caller, column)) is not None:
            clauses.append(clause)
    booklets = await Booklet.select(Booklet.prescriber_type, Booklet.prescriber_name, Booklet.received_on).where(
        *booklet_clauses
    )
    vouchers = await Voucher.select(
        Voucher.status,
        Voucher.issued_on,
        Voucher.redeemed_on,
        Voucher.ended_on,
        Voucher.value_cents,
        Voucher.booklet.prescriber_type.as_alias("prescriber_type"),
        Voucher.booklet.prescriber_name.as_alias("prescriber_name"),
    ).where(*voucher_clauses)
    totals, prescribers, months = _empty(), {}, {}

    def add(prescriber: tuple[str, str], day: date, **counts: int) -> None:
        for row in (totals, prescribers.setdefault(prescriber, _empty()), months.setdefault(f"{day:%Y-%m}", _empty())):
            for name, count in counts.items():
                row[name] += count

    for booklet in booklets:
        add((booklet["prescriber_type"], booklet["prescriber_name"]), booklet["received_on"], booklets=1)
    used = {status.value for status in USED}
    for voucher in vouchers:
        who = (voucher["prescriber_type"], voucher["prescriber_name"])
        if _within(voucher["issued_on"], date_from, date_to):
            add(who, voucher["issued_on"], issued=1, issued_used=int(voucher["status"] in used))
        if voucher["status"] in used and _within(voucher["redeemed_on"], date_from, date_to):
            add(who, voucher["redeemed_on"], redeemed=1, redeemed_value_cents=voucher["value_cents"])
        if voucher["status"] == VoucherStatus.expired.value and _within(voucher["ended_on"], date_from, date_to):
            add(who, voucher["ended_on"], expired=1)
    return {
        "site_id": site_id,
        "date_from": date_from,
        "date_to": date_to,
        "totals": _finish(totals),
        "by_prescriber": [
            {"prescriber_type": kind, "prescriber_name": name, **_finish(row)}
            for (kind, name), row in sorted(prescribers.items())
        ],
        "by_month": [{"month": month, **_finish(row)} for month, row in sorted(months.items())],
    }


def _cells(group: str, key: str, row: dict[str, Any]) -> list[Any]:
    rate = row["redemption_rate"]
    value = row["redeemed_value_cents"]
    return [
        group,
        key,
        row["booklets"],
        row["issued"],
        row["redeemed"],
        row["expired"],
        "" if rate is None else f"{rate * 100:.1f}".replace(".", ","),
        f"{value // 100},{value % 100:02d}",
    ]


def report_csv(report: dict[str, Any]) -> bytes:
    """`;`-separated, UTF-8 with a BOM; one line per prescriber, per month, then the total."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in report["by_prescriber"]:
        label = PRESCRIBER_TYPE_LABELS[PrescriberType(row["prescriber_type"])]
        writer.writerow(safe_row(_cells("prescripteur", f"{row['prescriber_name']} ({label})", row)))
    for row in report["by_month"]:
        year, month = row["month"].split("-")
        writer.writerow(safe_row(_cells("mois", f"{month}/{year}", row)))
    period = f"du {report['date_from']:%d/%m/%Y} au {report['date_to']:%d/%m/%Y}"
    writer.writerow(safe_row(_cells("total", period, report["totals"])))
    return ("\ufeff" + buffer.getvalue()).encode()
