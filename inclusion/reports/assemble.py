"""From the grouped rows of `queries` to the report's tables (Grids), one column per site (or per région, per
département: `levels`) then the whole set."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from fractions import Fraction
from typing import Any

from inclusion.reports.grid import Grid, with_whole
from inclusion.vocabulary import (
    ADMIN_TOPIC_LABELS,
    AGE_BAND_LABELS,
    DIGITAL_TOPIC_LABELS,
    GENDER_LABELS,
    REFERRAL_LABELS,
    SOCIAL_STATUS_LABELS,
    AgeBand,
    Gender,
    SocialStatus,
)

LEARNERS = "apprenants"
ARRIVALS = {"nouveau": "Nouveaux (première venue dans la période)", "deja_venu": "Déjà venus avant la période"}
QPV = {"oui": "Résidents d'un quartier prioritaire (QPV)", "non": "Hors quartier prioritaire"}
DIMENSIONS = {
    "age_band": ("Tranche d'âge", {band.value: AGE_BAND_LABELS[band] for band in AgeBand}),
    "gender": ("Genre", {gender.value: GENDER_LABELS[gender] for gender in Gender}),
    "social_status": ("Statut", {status.value: SOCIAL_STATUS_LABELS[status] for status in SocialStatus}),
    "qpv": ("Quartiers prioritaires", QPV),
}


class Columns:
    """Sums grouped rows into one value per column of the report, in its order: one column per site, or per group
    of sites (a région, a département: `levels`). `position` maps each site id, and each group's key
    ("region:32", carried by stored per-group rows in their "site" field), to its column."""

    def __init__(self, site_ids: list[int], groups: list[tuple[str, list[int]]] | None = None) -> None:
        if groups is None:
            self.position: dict[int | str, int] = {site_id: index for index, site_id in enumerate(site_ids)}
            self.width = len(site_ids)
            return
        self.position = {}
        for index, (key, members) in enumerate(groups):
            self.position[key] = index
            self.position.update(dict.fromkeys(members, index))
        self.width = len(groups)

    def zeros(self) -> list[int]:
        return [0] * self.width

    def total(self, rows: Iterable[dict[str, Any]], field: str) -> list[int]:
        """Per-column sums of one field."""
        return self.totals(rows, [field])[field]

    def totals(self, rows: Iterable[dict[str, Any]], fields: list[str]) -> dict[str, list[int]]:
        """Per-site sums of each field, in one pass over the rows."""
        sums = {field: self.zeros() for field in fields}
        pairs = list(sums.items())
        position = self.position
        for row in rows:
            index = position.get(row["site"])
            if index is not None:
                for field, column in pairs:
                    column[index] += row[field] or 0
        return sums

    def by(self, rows: Iterable[dict[str, Any]], key, value) -> dict[Any, list[int]]:
        """{key(row): per-site sums of value(row)} for the rows of the report's sites."""
        found: dict[Any, list[int]] = {}
        position, width = self.position, self.width
        for row in rows:
            index = position.get(row["site"])
            if index is None:
                continue
            group = key(row)
            sums = found.get(group)
            if sums is None:  # a national report has 3,000 columns: one list per key, not per row
                sums = found[group] = [0] * width
            sums[index] += value(row) or 0
        return found


def months_between(date_from: date, date_to: date) -> list[str]:
    months, year, month = [], date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_label(month: str) -> str:
    return f"{month[5:]}/{month[:4]}"


def activity_grids(columns: Columns, volume: list[dict], present: list[dict], days: list[dict], months: list[str]):
    """Headline volumes (never hidden), participants (hidden when small) and the monthly activity trend."""
    names = ("activities", "workshops", "named_sessions", "anonymous_sessions", "anonymous_in_workshops", "minutes")
    measure = columns.totals(volume, list(names))
    sessions = [a + b for a, b in zip(measure["named_sessions"], measure["anonymous_sessions"], strict=True)]
    hours = [Fraction(minutes, 60) for minutes in measure["minutes"]]
    named = columns.total(present, "n")
    named = [a + b for a, b in zip(named, measure["named_sessions"], strict=True)]
    anonymous = [a + b for a, b in zip(measure["anonymous_sessions"], measure["anonymous_in_workshops"], strict=True)]
    open_days, visitors = columns.total(days, "open_days"), columns.total(days, "visitors")
    per_month = columns.by(volume, lambda r: r["month"], lambda r: r["activities"])
    minutes_per_month = columns.by(volume, lambda r: r["month"], lambda r: r["minutes"])
    return [
        Grid("activity", "headline", "Activités", "activités", [
            ("activities", "Activités", with_whole(measure["activities"])),
            ("workshops", "Ateliers collectifs", with_whole(measure["workshops"])),
            ("sessions", "Séances individuelles", with_whole(sessions)),
            ("hours", "Heures d'accompagnement", with_whole(hours)),
        ], protected=True),
        Grid("participants", "headline", "Participants", "participants", [
            ("named", "Participants avec une fiche (une fois par activité)", with_whole(named)),
            ("anonymous", "Participants anonymes", with_whole(anonymous)),
        ], total=("Participants", with_whole([a + b for a, b in zip(named, anonymous, strict=True)]))),
        Grid("attendance", "headline", "Fréquentation", "jours", [
            ("open_days", "Jours d'ouverture", with_whole(open_days)),
            ("visitors", "Visiteurs", with_whole(visitors)),
        ], protected=True),
        Grid("activity_trend", "trend", "Activités par mois", "activités", [
            (month, month_label(month), with_whole(per_month.get(month, columns.zeros()))) for month in months
        ], protected=True),
        Grid("hours_trend", "trend", "Heures d'accompagnement par mois", "heures", [
            (month, month_label(month), with_whole([Fraction(m, 60) for m in minutes_per_month.get(month,
                                                                                                  columns.zeros())]))
            for month in months
        ], protected=True),
    ]  # fmt: skip


def people_grids(columns: Columns, rows: list[dict]) -> list[Grid]:
    """Learners accompanied, new or returning, then by age band, gender, status and QPV residence."""
    split = {name: columns.by((r for r in rows if r["dimension"] == name), lambda r: r["value"], lambda r: r["n"])
             for name in ("arrival", *DIMENSIONS)}  # fmt: skip
    learners = [sum(values) for values in zip(*split["arrival"].values(), strict=True)] or columns.zeros()
    total = ("Apprenants accompagnés", with_whole(learners))
    grids = [
        Grid("learners", "headline", "Apprenants accompagnés", LEARNERS, [
            (key, label, with_whole(split["arrival"].get(key, columns.zeros()))) for key, label in ARRIVALS.items()
        ], total=total),
    ]  # fmt: skip
    for name, (title, labels) in DIMENSIONS.items():
        found = split[name]
        rows_here = [(key, label, with_whole(found.get(key, columns.zeros()))) for key, label in labels.items()]
        rows_here += [(key, key, with_whole(values)) for key, values in found.items() if key not in labels]
        grids.append(Grid(name, "public", title, LEARNERS, rows_here, total=total))
    return grids


def topic_grids(columns: Columns, topics: list[dict], referrals: list[dict]) -> list[Grid]:
    grids = []
    for kind, title, labels in (
        ("digital", "Thématiques numériques", DIGITAL_TOPIC_LABELS),
        ("admin", "Démarches administratives", ADMIN_TOPIC_LABELS),
    ):
        found = columns.by((r for r in topics if r["kind"] == kind), lambda r: r["topic"], lambda r: r["n"])
        rows = [(key.value, labels[key], with_whole(found[key.value])) for key in labels if key.value in found]
        note = "Personnes accompagnées sur chaque thème ; une activité peut en couvrir plusieurs."
        grids.append(Grid(f"topics_{kind}", "topics", title, "participants", rows, notes=[note]))
    found = columns.by(referrals, lambda r: r["value"], lambda r: r["n"])
    rows = [(key.value, label, with_whole(found[key.value])) for key, label in REFERRAL_LABELS.items()
            if key.value in found]  # fmt: skip
    total = [sum(values) for values in zip(*(row[2] for row in rows), strict=True)] or with_whole(columns.zeros())
    grids.append(Grid("referrals", "topics", "Orientations", "orientations", rows, total=("Orientations", total)))
    return grids


def voucher_grids(columns: Columns, rows: list[dict]) -> list[Grid]:
    measure = {name: columns.total(rows, name) for name in ("distributed", "distributed_used", "redeemed")}
    unused = [a - b for a, b in zip(measure["distributed"], measure["distributed_used"], strict=True)]
    return [
        Grid("vouchers", "vouchers", "Pass numérique remis dans la période", "Pass", [
            ("used", "Déjà utilisés", with_whole(measure["distributed_used"])),
            ("unused", "Pas encore utilisés", with_whole(unused)),
        ], total=("Pass remis", with_whole(measure["distributed"])), rate="Taux d'utilisation"),
        Grid("vouchers_redeemed", "vouchers", "Pass numérique utilisés dans la période", "Pass", [
            ("redeemed", "Pass utilisés pour une activité de la période", with_whole(measure["redeemed"])),
        ]),
    ]  # fmt: skip
