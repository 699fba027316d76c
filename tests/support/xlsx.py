"""Read an XLSX file with the standard library only (zipfile and ElementTree), as a spreadsheet would: cell values
with their number formats (a date cell comes back as a `date`), the frozen panes and the column widths."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
BUILTIN_DATE_FORMATS = {14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 22: "m/d/yy h:mm"}
EPOCH = date(1899, 12, 30)  # Excel's day 0 (1900 date system)


@dataclass
class Sheet:
    rows: list[list[Any]]  # values; a date cell as a `date`
    formats: dict[str, str]  # cell reference (e.g. "C2") → number format code of a formatted cell
    frozen_rows: int  # rows kept in view when scrolling (0: none)
    widths: dict[int, float] = field(default_factory=dict)  # column index (0 = A) → width in characters


def _column(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference).group(0)
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _number_formats(archive: zipfile.ZipFile) -> list[str]:
    """The number format code of each cell style (cellXfs), by style index."""
    styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    custom = {int(n.get("numFmtId")): n.get("formatCode") for n in styles.iterfind("m:numFmts/m:numFmt", NS)}
    codes = custom | BUILTIN_DATE_FORMATS
    return [codes.get(int(xf.get("numFmtId", "0")), "General") for xf in styles.iterfind("m:cellXfs/m:xf", NS)]


def read_sheet(content: bytes, number: int = 1) -> Sheet:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        formats = _number_formats(archive)
        shared = []
        if "xl/sharedStrings.xml" in archive.namelist():
            strings = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in item.iterfind(".//m:t", NS)) for item in strings]
        sheet = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{number}.xml"))
    pane = sheet.find("m:sheetViews/m:sheetView/m:pane", NS)
    frozen = int(float(pane.get("ySplit", "0"))) if pane is not None and pane.get("state") == "frozen" else 0
    widths = {}
    for column in sheet.iterfind("m:cols/m:col", NS):
        for index in range(int(column.get("min")) - 1, int(column.get("max"))):
            widths[index] = float(column.get("width"))
    rows, cell_formats = [], {}
    for row in sheet.iterfind("m:sheetData/m:row", NS):
        values: list[Any] = []
        for cell in row.iterfind("m:c", NS):
            reference, kind = cell.get("r"), cell.get("t")
            values += [None] * (_column(reference) - len(values))
            raw = cell.findtext("m:v", default=None, namespaces=NS)
            if kind == "inlineStr":
                value: Any = "".join(t.text or "" for t in cell.iterfind("m:is//m:t", NS))
            elif kind == "s":
                value = shared[int(raw)]
            elif kind in ("str", "b", "e"):
                value = raw
            else:
                value = float(raw) if raw is not None else None
                code = formats[int(cell.get("s", "0"))]
                if code != "General":
                    cell_formats[reference] = code
                if value is not None and re.search(r"[dy]", code):
                    value = EPOCH + timedelta(days=int(value))
                elif value is not None and value.is_integer():
                    value = int(value)
            values.append(value)
        rows.append(values)
    return Sheet(rows, cell_formats, frozen, widths)


def sheet_names(content: bytes) -> list[str]:
    """The workbook's sheet names, in order (sheet N is names[N - 1])."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return [sheet.get("name") for sheet in book.iterfind("m:sheets/m:sheet", NS)]


def notes(content: bytes, number: int = 1) -> dict[str, str]:
    """The notes (comments) of sheet `number`: cell reference → text."""
    relations = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        name = f"xl/worksheets/_rels/sheet{number}.xml.rels"
        if name not in archive.namelist():
            return {}
        links = ElementTree.fromstring(archive.read(name))
        targets = [link.get("Target") for link in links.iter(f"{relations}Relationship")
                   if link.get("Type", "").endswith("/comments")]  # fmt: skip
        if not targets:
            return {}
        comments = ElementTree.fromstring(archive.read("xl/" + targets[0].removeprefix("../")))
    return {
        comment.get("ref"): "".join(t.text or "" for t in comment.iterfind(".//m:t", NS))
        for comment in comments.iterfind("m:commentList/m:comment", NS)
    }
