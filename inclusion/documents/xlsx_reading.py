"""The first sheet of an XLSX workbook as `;`-separated text, for the imports that read CSV: a date cell (a number
with a day-month-year format) becomes JJ/MM/AAAA, a whole number loses its ".0", text stays text.

Read with the standard library only (zipfile, ElementTree). A workbook is a zip of XML: one whose parts would
unpack past MAX_BYTES, or whose XML declares a DOCTYPE (entity expansion), is refused with ValueError."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, timedelta
from xml.etree import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MAX_BYTES = 64 * 1024 * 1024
DAY_ZERO = date(1899, 12, 30)  # spreadsheets count days from here (the 1900 system)
DATE_FORMATS = {14, 15, 16, 17, 22}  # built-in number formats that show a date


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    data = archive.read(name)
    if b"<!DOCTYPE" in data[:2048].upper():
        raise ValueError("XML avec DOCTYPE refusé.")
    return ElementTree.fromstring(data)


def _first_sheet(archive: zipfile.ZipFile) -> str:
    book = _xml(archive, "xl/workbook.xml")
    sheet = book.find(f"{MAIN}sheets/{MAIN}sheet")
    target = "worksheets/sheet1.xml"
    if sheet is not None and "xl/_rels/workbook.xml.rels" in archive.namelist():
        wanted = sheet.get(f"{RELATIONS}id")
        for link in _xml(archive, "xl/_rels/workbook.xml.rels"):
            if link.get("Id") == wanted:
                target = link.get("Target", target)
    return "xl/" + target.removeprefix("/xl/").removeprefix("/")


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The cell styles whose number format shows a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = _xml(archive, "xl/styles.xml")
    custom = {
        int(item.get("numFmtId", "0")) for item in styles.iter(f"{MAIN}numFmt")
        if re.search(r"[dy]", re.sub(r'"[^"]*"|\[[^\]]*\]', "", item.get("formatCode", "").lower()))
    }  # fmt: skip
    formats = styles.find(f"{MAIN}cellXfs")
    return {
        index for index, style in enumerate(formats if formats is not None else [])
        if int(style.get("numFmtId", "0")) in DATE_FORMATS | custom
    }  # fmt: skip


def _column(reference: str) -> int:
    index = 0
    for letter in re.match(r"[A-Z]*", reference or "").group(0):
        index = index * 26 + ord(letter) - 64
    return index - 1


def _value(cell: ElementTree.Element, shared: list[str], dates: set[int]) -> str:
    kind, raw = cell.get("t"), cell.findtext(f"{MAIN}v")
    if kind == "inlineStr":
        return "".join(text.text or "" for text in cell.iter(f"{MAIN}t"))
    if kind == "s" and raw is not None:
        return shared[int(raw)]
    if raw is None or kind in ("str", "b", "e"):
        return raw or ""
    number = float(raw)
    if int(cell.get("s", "0")) in dates:
        return f"{DAY_ZERO + timedelta(days=int(number)):%d/%m/%Y}"
    return str(int(number)) if number.is_integer() else raw


def first_sheet_as_csv(content: bytes) -> str:
    """The first sheet's rows, `;`-separated (ValueError when it is not a workbook this reads)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise ValueError("Ce fichier n'est pas un classeur XLSX.") from error
    with archive:
        if sum(item.file_size for item in archive.infolist()) > MAX_BYTES:
            raise ValueError("Classeur trop volumineux une fois décompressé.")
        shared = []
        if "xl/sharedStrings.xml" in archive.namelist():
            shared = [
                "".join(t.text or "" for t in item.iter(f"{MAIN}t")) for item in _xml(archive, "xl/sharedStrings.xml")
            ]
        dates, sheet = _date_styles(archive), _xml(archive, _first_sheet(archive))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    for row in sheet.iter(f"{MAIN}row"):
        cells: list[str] = []
        for cell in row.iter(f"{MAIN}c"):
            position = _column(cell.get("r", "")) if cell.get("r") else len(cells)
            cells += [""] * (position - len(cells))
            cells.append(_value(cell, shared, dates))
        writer.writerow(cells)
    return buffer.getvalue()


def import_text(csv_text: str, workbook: bytes) -> str:
    """The text an import reads: the CSV given, else the workbook's first sheet; ValueError (in French) otherwise."""
    if csv_text.strip():
        return csv_text
    if workbook:
        return first_sheet_as_csv(workbook)
    raise ValueError("Joignez le fichier : « csv » (son texte) ou « xlsx » (le classeur en base64).")
