"""The report as an XLSX workbook: a "Synthèse" sheet, then one sheet per table, every figure per site.

Counts and rates are numbers (rates with a % format, the 95 % interval's bounds in their own columns), a hidden
cell is empty with the mark in a note ("s", or the bound a hidden rate keeps), dates are dates, the header rows
are frozen. Tables with a rate have one row per site (the rate and its bounds are then columns); the others one
row per category and one column per site. The monthly fragility, the levels per competence and the "became
autonomous" tables are one sheet each, a row per month or competence. Every text from the database (site names)
goes through `safe_row`: never a formula."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from typing import Any

from inclusion.documents.spreadsheets import safe_cell, workbook
from inclusion.reports.figures import MARK
from inclusion.reports.levels import LEVEL_LABELS
from inclusion.reports.printed import FIRST
from inclusion.reports.synthesis import key_figures, legend

WHOLE = "Ensemble des sites"
HEADINGS = {"region": "Région", "departement": "Département", "site": "Site"}
FAMILIES = {  # key prefix → (sheet, title of the column naming the member)
    "fragility_month:": ("Fragilité par mois", "Mois"),
    "levels:": ("Niveaux par compétence", "Compétence et moment"),
    "autonomy:": ("Devenus autonomes", "Compétence"),
    "feedback_response:": ("Avis par mois", "Mois"),
    "feedback_satisfaction:": ("Satisfaction par mois", "Mois"),
    "feedback_at_ease:": ("Aisance par mois", "Mois"),
}
NOTE = {"x_scale": 2.5, "y_scale": 1.2}
SHEETS = {  # at most 31 characters
    "activity": "Activités", "participants": "Participants", "attendance": "Fréquentation",
    "activity_trend": "Activités par mois", "hours_trend": "Heures par mois", "learners": "Personnes accompagnées",
    "age_band": "Âge", "gender": "Genre", "social_status": "Statut", "qpv": "Quartiers prioritaires",
    "communes": "Communes", "paired_entry": "Mêmes personnes, entrée", "paired_latest": "Mêmes personnes, dernière",
    "fragility_entry": "Tous évalués, entrée", "fragility_latest": "Tous évalués, dernière",
    "topics_digital": "Thématiques", "topics_admin": "Démarches", "referrals": "Orientations",
    "partners": "Partenaires France Services",
    "vouchers": "Pass remis", "vouchers_redeemed": "Pass utilisés", "durations": "Durées", "devices": "Matériel",
    "places": "Lieux", "feedback_response": "Avis", "feedback_satisfaction": "Satisfaction",
    "feedback_at_ease": "Plus à l'aise",
}  # fmt: skip


class Book:
    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.book = workbook(self.buffer, in_memory=True)
        self.bold = self.book.add_format({"bold": True})
        self.title = self.book.add_format({"bold": True, "font_size": 13})
        self.percent = self.book.add_format({"num_format": "0.0 %"})
        self.day = self.book.add_format({"num_format": "dd/mm/yyyy"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.names: set[str] = set()

    def sheet(self, title: str):
        name = re.sub(r"[\[\]:*?/\\']", " ", title)[:31].strip()
        base, number = name, 2
        while name.lower() in self.names:
            suffix = f" ({number})"
            name, number = base[: 31 - len(suffix)] + suffix, number + 1
        self.names.add(name.lower())
        return self.book.add_worksheet(name)

    def count(self, sheet, row: int, column: int, cell: dict[str, Any]) -> None:
        if cell["value"] is None:
            sheet.write_blank(row, column, None)
            sheet.write_comment(row, column, f"{MARK} : secret statistique", NOTE)
        else:
            sheet.write_number(row, column, cell["value"])

    def rate(self, sheet, row: int, column: int, rate: dict[str, Any]) -> None:
        if rate["value"] is None:
            sheet.write_blank(row, column, None)
            note = f"{MARK} : secret statistique" if rate["display"] == MARK else f"{rate['display']} (borne publiée)"
            if rate["display"] != "—":
                sheet.write_comment(row, column, note, NOTE)
        else:
            sheet.write_number(row, column, rate["value"], self.percent)
        for offset, bound in ((1, rate["low"]), (2, rate["high"])):
            if bound is not None:
                sheet.write_number(row, column + offset, bound, self.percent)

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def _synthesis(book: Book, report: dict[str, Any]) -> None:
    sheet = book.sheet("Synthèse")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 3, 16)
    sheet.write(0, 0, "Rapport d'impact : la fracture numérique se réduit-elle ?", book.title)
    sheet.write(1, 0, "Du", book.bold)
    sheet.write_datetime(1, 1, _datetime(report["date_from"]), book.day)
    sheet.write(1, 2, "au", book.bold)
    sheet.write_datetime(1, 3, _datetime(report["date_to"]), book.day)
    row = 2
    if report["level"] != "site":
        sheet.write(row, 0, f"{report['site_count']} sites, par {LEVEL_LABELS[report['level']][:-1]}")
        row += 1
    for site in report["sites"]:
        for period in site["periods"]:
            sheet.write(row, 0, safe_cell(site["name"]))
            sheet.write_datetime(row, 1, _datetime(period["date_from"]), book.day)
            sheet.write_datetime(row, 3, _datetime(period["date_to"]), book.day)
            row += 1
    notes = legend(report)
    for text in (notes.get("restricted"), report["headline"], report.get("service_quality"), notes["secret"]):
        if text:
            row += 1
            sheet.merge_range(row, 0, row, 5, text, book.wrap)
            sheet.set_row(row, 48)
    row += 2
    sheet.write_row(row, 0, ["Chiffre clé", WHOLE, "Détail"], book.bold)
    for figure in key_figures(report):
        row += 1
        sheet.write(row, 0, figure["label"])
        value = _number(figure["display"])
        if value is None:
            sheet.write_blank(row, 1, None)
            sheet.write_comment(row, 1, f"{MARK} : secret statistique", NOTE)
        else:
            sheet.write_number(row, 1, value)
        sheet.write(row, 2, safe_cell(" · ".join(f"{value} {name}" for name, value in figure["details"])))


def _number(display: str) -> float | None:
    try:
        return float(display.replace(",", "."))
    except ValueError:
        return None


def _datetime(day: date) -> datetime:
    return datetime.combine(day, time())


def _by_category(book: Book, report: dict[str, Any], table: dict[str, Any]) -> None:
    """One row per category, one column per site then the whole set."""
    sheet = book.sheet(SHEETS.get(table["key"], table["title"]))
    names = [column["label"] for column in report["columns"]]
    sheet.write(0, 0, table["title"], book.title)
    sheet.write_row(1, 0, [FIRST.get(table["key"], "Ligne"), *(safe_cell(name) for name in names), WHOLE], book.bold)
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, len(names) + 1, 16)
    sheet.freeze_panes(2, 1)
    for index, row in enumerate([*table["rows"], *([table["total"]] if table["total"] else [])]):
        bold = book.bold if table["total"] is row else None
        sheet.write(2 + index, 0, safe_cell(row["label"]), bold)
        for column, cell in enumerate(row["cells"]):
            book.count(sheet, 2 + index, 1 + column, cell)
    _notes(sheet, table, 3 + len(table["rows"]) + bool(table["total"]))


def _by_site(book: Book, report: dict[str, Any], table: dict[str, Any], sheet=None, start: int = 0, member=None):
    """One row per site then the whole set: the table's rows as columns, then the rate and its bounds."""
    counts = [*table["rows"], table["total"]]
    header = [r["label"] for r in counts] + [table["rate"]["label"], "Borne basse (95 %)", "Borne haute (95 %)"]
    if sheet is None:
        sheet = book.sheet(SHEETS.get(table["key"], table["title"]))
        sheet.write(0, 0, table["title"], book.title)
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, len(header), 18)
        sheet.freeze_panes(2, 1)
    first = [] if member is None else [member[1]]
    if start <= 1:
        sheet.write_row(1, 0, [*first, HEADINGS[report["level"]], *header], book.bold)
        start = 2
    names = [*(column["label"] for column in report["columns"]), WHOLE]
    for index, name in enumerate(names):
        row = start + index
        if member is not None:
            sheet.write(row, 0, safe_cell(member[0]))
        offset = len(first)
        sheet.write(row, offset, safe_cell(name), book.bold if index == len(names) - 1 else None)
        for column, line in enumerate(counts):
            book.count(sheet, row, offset + 1 + column, line["cells"][index])
        book.rate(sheet, row, offset + 1 + len(counts), table["rate"]["cells"][index])
    if member is None:
        _notes(sheet, table, start + len(names) + 1)
    return sheet, start + len(names)


def _family(book: Book, report: dict[str, Any], tables: list[dict[str, Any]], name: str, member: str) -> None:
    """Tables of one family on one sheet, each member's rows under its name."""
    sheet = book.sheet(name)
    sheet.write(0, 0, name, book.title)
    sheet.set_column(0, 0, 40)
    sheet.freeze_panes(2, 2 if tables and tables[0]["rate"] else 1)
    if tables and tables[0]["rate"]:
        row = 1
        for table in tables:
            label = table["title"].rsplit(" — ", 1)[-1].rsplit(" : ", 1)[0]
            _, row = _by_site(book, report, table, sheet, row, (label, member))
        return
    names = [column["label"] for column in report["columns"]]
    sheet.write_row(1, 0, [member, "Niveau", *(safe_cell(n) for n in names), WHOLE], book.bold)
    row = 2
    for table in tables:
        for line in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            sheet.write(row, 0, safe_cell(table["title"]))
            sheet.write(row, 1, safe_cell(line["label"]))
            for column, cell in enumerate(line["cells"]):
                book.count(sheet, row, 2 + column, cell)
            row += 1


def _notes(sheet, table: dict[str, Any], row: int) -> None:
    for index, note in enumerate(table["notes"]):
        sheet.write(row + index, 0, note)


def report_xlsx(report: dict[str, Any]) -> bytes:
    book = Book()
    _synthesis(book, report)
    families: dict[str, list[dict[str, Any]]] = {}
    for table in report["tables"]:
        family = next((prefix for prefix in FAMILIES if table["key"].startswith(prefix)), None)
        if family is not None:
            families.setdefault(family, []).append(table)
        elif table["rate"]:
            _by_site(book, report, table)
        else:
            _by_category(book, report, table)
    for prefix, tables in families.items():
        _family(book, report, tables, *FAMILIES[prefix])
    return book.close()
