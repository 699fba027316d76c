"""Spreadsheet cells that never run: every CSV and XLSX the service writes passes its cells through here.

A spreadsheet program reads a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
strip first) as a formula: an activity titled `=HYPERLINK("http://…";"Cliquez")` would become a live link, or
worse, on the coordinator's computer that opens the export (OWASP "CSV injection"). Such text cells get a single
quote in front, which spreadsheets show as text; numbers, and text that reads as a plain number ("-12,5"), stay as
they are. XLSX workbooks are also opened with `strings_to_formulas` and `strings_to_urls` off, so xlsxwriter
itself never turns a string into a formula or a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def safe_cell(value: Any) -> Any:
    """The value as a cell that is shown, never run: text that a spreadsheet would read as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def workbook(target: Any, **options: Any) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that writes strings as strings (no formula, no link made from text)."""
    return xlsxwriter.Workbook(target, {**options, **WORKBOOK_OPTIONS})
