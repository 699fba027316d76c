"""The breakdowns funders also get from the national tool (La Coop de la médiation numérique): activities by
duration bucket, device used and place, and learners by commune of residence (INSEE code, with its name where
known). Activity counts count nobody and are never hidden; learners by commune are hidden like every count of
people, and share their total (learners accompanied) with the other tables of people.

Commune names: the INSEE's Code officiel géographique 2026 (`inclusion.sites.territory`), else the sites' own
communes (each site states its INSEE code and city); any other commune shows its code."""

from __future__ import annotations

import heapq
from typing import Any

from inclusion.reports.assemble import LEARNERS, Columns, month_label
from inclusion.reports.grid import Grid, with_whole
from inclusion.sites import territory
from inclusion.storage.tables.sites import Site
from inclusion.vocabulary import DEVICE_LABELS, PARTNER_LABELS, PLACE_LABELS

DURATIONS = {
    "moins_30": "Moins de 30 min",
    "de_30_a_60": "De 30 min à moins d'1 h",
    "de_60_a_120": "D'1 h à moins de 2 h",
    "plus_120": "2 h ou plus",
}
DEVICES = {device.value: label for device, label in DEVICE_LABELS.items()} | {"": "Non renseigné"}
PLACES = {place.value: label for place, label in PLACE_LABELS.items()}
UNKNOWN_COMMUNE = "Non renseignée"
SEVERAL_DEVICES = (
    "Une activité où plusieurs matériels ont servi compte pour chacun : les lignes peuvent dépasser le total."
)
OTHERS = "autres"
MOST_COMMUNES = 30


async def commune_names(codes: set[str]) -> dict[str, str]:
    """The names known for these INSEE codes: the official table, else the sites' own communes."""
    found = {code: name for code in codes if (name := territory.commune_name(code))}
    missing = sorted(codes - set(found))
    if missing:
        sites = await Site.select(Site.insee_code, Site.city).where(Site.insee_code.is_in(missing)).run()
        found |= {site["insee_code"]: site["city"] for site in sites if site["city"]}
    return found


def activity_breakdowns(columns: Columns, rows: list[dict[str, Any]]) -> list[Grid]:
    """Activities by duration bucket (DESIGN's < 30, 30–60, 60–120, ≥ 120 min), device used and place. An activity
    where several devices were used counts once for each (as La Coop's statistics count `materiel`): the device
    lines may add up to more than the activities, whose total is the durations' (each activity has one)."""
    grids = []
    activities: list[int] | None = None
    for kind, key, title, labels in (
        ("duration", "durations", "Activités par durée", DURATIONS),
        ("device", "devices", "Activités par matériel utilisé", DEVICES),
        ("place", "places", "Activités par lieu", PLACES),
    ):
        found = columns.by((r for r in rows if r["kind"] == kind), lambda r: r["value"], lambda r: r["n"])
        lines = [(value, label, with_whole(found[value])) for value, label in labels.items() if value in found]
        lines += [(value, value, with_whole(counts)) for value, counts in found.items() if value not in labels]
        total = [sum(values) for values in zip(*(line[2] for line in lines), strict=True)] or [0] * (columns.width + 1)
        notes = []
        if kind == "duration":
            activities = total
        elif kind == "device" and activities is not None:
            total, notes = activities, [SEVERAL_DEVICES]
        grids.append(
            Grid(key, "activities", title, "activités", lines, total=("Activités", total), protected=True, notes=notes)
        )
    return grids


def partner_grid(columns: Columns, rows: list[dict[str, Any]], months: list[str]) -> Grid:
    """Individual sessions by the France Services partner their démarche concerned, month by month (each session
    one accompaniment, one partner, one month: the rows add up to the total). A session is one person: hidden like
    every count of people."""
    found = columns.by((r for r in rows if r["kind"] == "partner"), lambda r: r["value"], lambda r: r["n"])
    lines = [
        (key, f"{month_label(month)} · {label}", with_whole(found[key]))
        for month in months
        for partner, label in PARTNER_LABELS.items()
        if (key := f"{month}:{partner.value}") in found
    ]
    total = [sum(values) for values in zip(*(line[2] for line in lines), strict=True)] or with_whole(columns.zeros())
    note = "Séances individuelles d'aide aux démarches qui nomment le partenaire France Services concerné."
    return Grid("partners", "topics", "Accompagnements par partenaire France Services", "accompagnements", lines,
                total=("Accompagnements", total), notes=[note])  # fmt: skip


def top_communes(rows: list[dict[str, Any]]) -> list[str]:
    """The MOST_COMMUNES communes with the most learners (the others are summed on one row)."""
    totals: dict[str, int] = {}
    for row in rows:
        if row["dimension"] == "commune" and row["value"]:
            totals[row["value"]] = totals.get(row["value"], 0) + (row["n"] or 0)
    return heapq.nsmallest(MOST_COMMUNES, totals, key=lambda code: (-totals[code], code))  # not all 35,000


def commune_grid(columns: Columns, rows: list[dict[str, Any]], names: dict[str, str], total: tuple) -> Grid:
    """Learners accompanied by commune of residence: the most frequent communes, then the others summed, then
    those without a commune; hidden like every count of people. (A national report reaches 35,000 communes:
    one row each would be 100 million cells.)"""
    top = set(top_communes(rows))
    key = lambda r: r["value"] if r["value"] in top else OTHERS if r["value"] else ""  # noqa: E731
    found = columns.by((r for r in rows if r["dimension"] == "commune"), key, lambda r: r["n"])
    ordered = sorted(found.items(), key=lambda item: (item[0] in (OTHERS, ""), item[0] == "", -sum(item[1]), item[0]))
    labels = {OTHERS: "Autres communes", "": UNKNOWN_COMMUNE}
    lines = [
        (code, labels.get(code) or (f"{names[code]} ({code})" if code in names else code), with_whole(counts))
        for code, counts in ordered
    ]
    note = "Commune de résidence déclarée dans la fiche (code INSEE) ; nom selon le Code officiel géographique 2026."
    return Grid("communes", "public", "Commune de résidence", LEARNERS, lines, total=total, notes=[note])
