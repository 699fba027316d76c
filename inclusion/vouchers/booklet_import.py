"""Booklets from a CSV file, one line per voucher: carnet;prescripteur;type_prescripteur;numero.

The file is taken whole or not at all: any bad line refuses it, with every bad line's number and reason.
"""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

from inclusion import clock
from inclusion.errors import InvalidData
from inclusion.scoping import Caller
from inclusion.storage import sql
from inclusion.vocabulary import PRESCRIBER_TYPE_LABELS, PrescriberType
from inclusion.vouchers import numbers
from inclusion.vouchers.booklets import booklet_exists, get_booklet, insert_booklets, stock_site, taken_numbers
from inclusion.vouchers.schemas import BookletImport

COLUMNS = ("carnet", "prescripteur", "type_prescripteur", "numero")
MAX_LINES = 20_000
_TYPES = {kind.value: kind.value for kind in PrescriberType} | {
    label.lower(): kind.value for kind, label in PRESCRIBER_TYPE_LABELS.items()
}


def _prescriber_type(text: str) -> str | None:
    return _TYPES.get(text.strip().lower().replace(" ", "_")) or _TYPES.get(text.strip().lower())


def parse(text: str) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    """The lines as dicts (with their line number), and the reasons found per line number."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if ";" in first else ",")
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header[: len(COLUMNS)] != list(COLUMNS):
        return [], {1: [f"En-tête attendu : {';'.join(COLUMNS)}."]}
    rows, errors = [], {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if line > MAX_LINES:
            errors[line] = [f"Le fichier dépasse {MAX_LINES} lignes."]
            break
        found = []
        if len(cells) < len(COLUMNS):
            errors[line] = [f"{len(COLUMNS)} colonnes attendues, {len(cells)} trouvée(s)."]
            continue
        booklet, prescriber, kind, number = (cell.strip() for cell in cells[: len(COLUMNS)])
        booklet, number = numbers.normalise(booklet), numbers.normalise(number)
        if reason := numbers.problem(booklet):
            found.append(f"numéro de carnet : {reason}")
        if not prescriber:
            found.append("prescripteur manquant.")
        elif len(prescriber) > 200:
            found.append("nom du prescripteur trop long (200 caractères au plus).")
        if _prescriber_type(kind) is None:
            found.append(f"type de prescripteur « {kind} » inconnu ({', '.join(t.value for t in PrescriberType)}).")
        if reason := numbers.problem(number):
            found.append(f"numéro de Pass : {reason}")
        if found:
            errors[line] = found
        rows.append(
            {
                "line": line,
                "booklet": booklet,
                "prescriber": prescriber,
                "type": _prescriber_type(kind),
                "number": number,
            }
        )
    if not rows and not errors:
        errors[1] = ["Le fichier ne contient aucune ligne de Pass."]
    return rows, errors


def _group(rows: list[dict[str, Any]], errors: dict[int, list[str]]) -> dict[str, list[dict[str, Any]]]:
    """Lines by booklet; a number seen twice, or a booklet with two prescribers, is an error on its line."""
    seen: dict[str, int] = {}
    booklets: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["number"] in seen:
            errors.setdefault(row["line"], []).append(
                f"le Pass {row['number']} figure déjà ligne {seen[row['number']]}."
            )
        seen.setdefault(row["number"], row["line"])
        group = booklets.setdefault(row["booklet"], [])
        if group and (group[0]["prescriber"], group[0]["type"]) != (row["prescriber"], row["type"]):
            errors.setdefault(row["line"], []).append(
                f"le carnet {row['booklet']} a un autre prescripteur ligne {group[0]['line']}."
            )
        group.append(row)
    for number, group in booklets.items():
        if len(group) > numbers.MAX_PER_BOOKLET:
            errors.setdefault(group[0]["line"], []).append(
                f"le carnet {number} compte plus de {numbers.MAX_PER_BOOKLET} Pass."
            )
    return booklets


async def import_booklets(caller: Caller, data: BookletImport) -> dict[str, Any]:
    site_id, scheme = await stock_site(caller, data.site_id, data.scheme_id)
    if data.received_on and data.received_on > clock.today():
        raise InvalidData({"received_on": "La date de réception ne peut pas être dans le futur."})
    rows, errors = await asyncio.to_thread(parse, data.csv)  # 20,000 lines: 1 s the event loop must not wait
    booklets = _group(rows, errors)
    for number, group in booklets.items():
        if await booklet_exists(scheme["id"], number):
            errors.setdefault(group[0]["line"], []).append(f"le carnet {number} existe déjà pour ce dispositif.")
    taken = await taken_numbers(scheme["id"], [row["number"] for row in rows])
    for row in rows:
        if row["number"] in taken:
            errors.setdefault(row["line"], []).append(f"le Pass {row['number']} existe déjà pour ce dispositif.")
    if errors:
        fields = {
            f"csv[ligne {line}]": f"Ligne {line} : " + " ; ".join(reasons) for line, reasons in sorted(errors.items())
        }
        bad = len(errors)
        raise InvalidData(
            fields, f"Fichier refusé : {bad} ligne{'s' if bad > 1 else ''} en erreur, rien n'a été importé."
        )
    received_on = data.received_on or clock.today()
    plan = insert_booklets(
        caller,
        site_id,
        scheme,
        [
            (
                {"number": number, "prescriber_name": group[0]["prescriber"], "prescriber_type": group[0]["type"],
                 "received_on": received_on},
                [row["number"] for row in group],
            )
            for number, group in booklets.items()
        ],
    )  # fmt: skip
    ids = await sql.transact(plan)
    created = [await get_booklet(caller, booklet_id) for booklet_id in ids]
    return {"booklets": created, "vouchers": len(rows)}
