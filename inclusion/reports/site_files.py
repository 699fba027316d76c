"""The table by site as files: CSV (`;`, UTF-8 with a BOM, hidden cells as "s") and XLSX (counts as numbers, a hidden
cell empty with the mark in a note). Every text from the database (site names, communes) passes `safe_cell`."""

from __future__ import annotations

import csv
import io
from typing import Any

from inclusion.documents.spreadsheets import safe_cell, safe_row
from inclusion.reports.figures import MARK
from inclusion.reports.site_table import FIGURES
from inclusion.reports.workbook import Book

PLACE = ["Identifiant", "Site", "Code INSEE", "Commune", "Département", "Région", "Chiffres exacts"]
SECRET = f"« {MARK} » : secret statistique (case de moins de K personnes, ou masquée pour qu'aucun total ne la révèle)."


def _title(table: dict[str, Any]) -> str:
    day = "%d/%m/%Y"
    return f"Rapport d'impact par site, du {table['date_from'].strftime(day)} au {table['date_to'].strftime(day)}"


def _place(item: dict[str, Any]) -> list[Any]:
    return [item["id"], item["name"], item["insee_code"], item["commune"], item["departement"], item["region"],
            "oui" if item["exact"] else "non"]  # fmt: skip


def sites_csv(table: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_row([_title(table)]))
    writer.writerow(safe_row(["Confidentialité", SECRET]))
    writer.writerow([])
    writer.writerow([*PLACE, *(heading for _, heading, *_ in FIGURES)])
    for item in table["items"]:
        writer.writerow(safe_row([*_place(item), *(item[name]["display"] for name, *_ in FIGURES)]))
    return ("\ufeff" + buffer.getvalue()).encode()


def sites_xlsx(table: dict[str, Any]) -> bytes:
    book = Book()
    sheet = book.sheet("Par site")
    sheet.write(0, 0, _title(table), book.title)
    sheet.write(1, 0, SECRET)
    sheet.write_row(2, 0, [*PLACE, *(heading for _, heading, *_ in FIGURES)], book.bold)
    sheet.set_column(0, 0, 11)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, len(PLACE) + len(FIGURES), 16)
    sheet.freeze_panes(3, 2)
    for index, item in enumerate(table["items"]):
        row = 3 + index
        sheet.write_number(row, 0, item["id"])
        for column, value in enumerate(_place(item)[1:], start=1):
            sheet.write_string(row, column, safe_cell(value))
        for offset, (name, *_) in enumerate(FIGURES):
            cell = item[name]
            if cell["value"] is None and cell["display"] != MARK:
                sheet.write_blank(row, len(PLACE) + offset, None)
            else:
                book.count(sheet, row, len(PLACE) + offset, cell)
    return book.close()
