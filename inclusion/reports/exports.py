"""The report as a spreadsheet: the same tables, figures and hidden cells as the JSON, one line per row.

CSV: `;`, UTF-8 with a BOM, dates dd/mm/yyyy (as the activity exports), hidden cells as "s". The XLSX workbook,
one sheet per table, is `workbook.py`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from inclusion.documents.spreadsheets import safe_row
from inclusion.reports.levels import LEVEL_LABELS
from inclusion.reports.synthesis import legend

SECTIONS = {
    "headline": "Chiffres clés",
    "divide": "Fracture numérique",
    "trend": "Tendance mensuelle",
    "public": "Publics",
    "topics": "Thématiques et orientations",
    "vouchers": "Pass numérique",
    "activities": "Activités : durée, matériel, lieu",
    "quality": "Qualité du service rendu",
}


def _day(value) -> str:
    return value.strftime("%d/%m/%Y")


def lines(report: dict[str, Any]) -> Iterator[list[Any]]:
    """Every line of the CSV; a cell is its display text ("12,5", "s")."""
    notes = legend(report)
    yield ["Rapport d'impact", f"du {_day(report['date_from'])} au {_day(report['date_to'])}"]
    if "restricted" in notes:
        yield ["Diffusion restreinte", notes["restricted"]]
    yield ["Confidentialité", notes["secret"]]
    if report["headline"]:
        yield ["Synthèse", report["headline"]]
    if report.get("service_quality"):
        yield ["Qualité du service rendu", report["service_quality"]]
    if report["level"] != "site":
        by = LEVEL_LABELS[report["level"]][:-1]
        yield ["Sites", str(report["site_count"]), f"colonnes par {by} (tableau par site à part)"]
    for site in report["sites"]:
        periods = ", ".join(f"du {_day(p['date_from'])} au {_day(p['date_to'])}" for p in site["periods"])
        yield ["Période comptée", site["name"], periods]
    yield []
    yield ["rubrique", "tableau", "ligne", *[column["label"] for column in report["columns"]], "Ensemble des sites"]
    for table in report["tables"]:
        section = SECTIONS.get(table["section"], table["section"])
        rows = [*table["rows"], *([table["total"]] if table["total"] else [])]
        for row in rows:
            cells = [cell["display"] for cell in row["cells"]]
            yield [section, table["title"], row["label"], *cells]
        if table["rate"]:
            yield [section, table["title"], table["rate"]["label"], *[c["display"] for c in table["rate"]["cells"]]]


def report_csv(report: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(safe_row(line) for line in lines(report))
    return ("\ufeff" + buffer.getvalue()).encode()
