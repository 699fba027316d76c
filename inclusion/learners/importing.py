"""Learner files from a spreadsheet: our template or La Coop's beneficiary import template, taken whole or not at
all, every bad line named; a dry run writes nothing. A person the site already has a live file for (same name and
birth year, the duplicate rule of a new file) is left as it is, so importing the same file again changes nothing."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date
from typing import Any

import msgspec

from inclusion import clock
from inclusion.documents.xlsx_reading import import_text
from inclusion.errors import InvalidData, sentences
from inclusion.learners import writes
from inclusion.learners.names import name_key
from inclusion.learners.schemas import LearnerCreate, LearnerImport
from inclusion.scoping import Caller, site_for_new_record
from inclusion.storage import db, sql
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import AGE_BAND_LABELS, SOCIAL_STATUS_LABELS

MAX_LINES = 20_000
COLUMNS = {  # a header cell (ours, then La Coop's) → the file's field
    "nom": "last_name", "prenom": "first_name", "annee_naissance": "birth_year", "genre": "gender",
    "tranche_age": "age_band", "statut": "social_status", "code_insee": "insee_code", "telephone": "phone",
    "email": "email", "notes": "notes",
    "Nom": "last_name", "Prénom": "first_name", "Année de naissance": "birth_year", "Code INSEE": "insee_code",
    "N° de téléphone": "phone", "E-mail": "email", "Genre": "gender", "Notes supplémentaires": "notes",
}  # fmt: skip
IGNORED = {"Commune", "Code postal"}  # La Coop's: we keep the INSEE code only
COOP_TEMPLATE = (
    "Nom", "Prénom", "Année de naissance", "Commune", "Code INSEE", "Code postal", "N° de téléphone", "E-mail",
    "Genre", "Notes supplémentaires",
)  # fmt: skip
BANDS = {"age_band": AGE_BAND_LABELS, "social_status": SOCIAL_STATUS_LABELS}


def _gender(text: str) -> str | None:
    """As La Coop reads it: empty or N… is not said, F… feminine, M… masculine."""
    first = text.strip()[:1].upper()
    return {"": "non_communique", "N": "non_communique", "F": "feminin", "M": "masculin"}.get(first)


def parse(text: str) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    """The people read (from the first row naming "nom" and "prénom": La Coop's template has instructions above),
    with their line numbers, and the reasons a line is wrong."""
    text = text.lstrip("\ufeff")
    sample = text[:4096]
    reader = csv.reader(io.StringIO(text), delimiter=";" if sample.count(";") >= sample.count(",") else ",")
    rows, lines, read = [], [], 0  # each row, and the file's line it starts on (a cell may hold line breaks)
    for cells in reader:
        rows.append(cells)
        lines.append(read + 1)
        read = reader.line_num
    start = next((n for n, row in enumerate(rows) if {"nom", "prénom"} <= {c.strip().lower() for c in row}), None)
    if start is None and rows and {"nom", "prenom"} <= {cell.strip() for cell in rows[0]}:
        start = 0
    if start is None:
        return [], {1: ["aucune ligne d'en-tête avec « Nom » et « Prénom » (ou nom;prenom;…)."]}
    header = [cell.strip() for cell in rows[start]]
    if tuple(header[:4]) == COOP_TEMPLATE[:4]:  # La Coop's template: the commune's three columns under one heading
        header = list(COOP_TEMPLATE)
        if len(rows) > start + 1 and rows[start + 1][3:5] == ["Nom", "Code INSEE"]:
            start += 1
    if unknown := [c for c in header if c and c not in COLUMNS and c not in IGNORED]:
        return [], {lines[start]: [f"colonne(s) inconnue(s) : {', '.join(unknown)}."]}
    people: list[dict[str, Any]] = []
    errors: dict[int, list[str]] = {}
    for number, cells in zip(lines[start + 1 :], rows[start + 1 :], strict=True):
        cells = [cell.strip() for cell in cells]
        if not any(cells) or (cells and cells[0] == "Exemple"):
            continue
        if len(people) >= MAX_LINES:
            return people, {number: [f"le fichier dépasse {MAX_LINES} lignes."]}
        raw = {COLUMNS[name]: cells[i] for i, name in enumerate(header) if name in COLUMNS and i < len(cells)}
        people.append({"line": number, **_values(raw, errors.setdefault(number, []))})
    return people, {line: reasons for line, reasons in errors.items() if reasons}


def _values(raw: dict[str, str], found: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {key: value for key, value in raw.items() if value}
    if "gender" in values and (gender := _gender(values["gender"])) is None:
        found.append(f"genre « {values.pop('gender')} » inconnu (Féminin, Masculin ou Non communiqué).")
    elif "gender" in values:
        values["gender"] = gender
    for field, labels in BANDS.items():
        if field in values:
            known = {str(value): str(value) for value in labels} | {
                label: str(value) for value, label in labels.items()
            }
            if values[field] not in known:
                found.append(f"« {values[field]} » n'est pas une valeur de « {field} ».")
            values[field] = known.get(values[field], "non_communique")
    if "birth_year" in values:
        year = values["birth_year"].split(".")[0]  # a spreadsheet's 1950.0
        if year.isdigit() and 1900 <= int(year) <= 2100:
            values["birth_year"] = int(year)
        else:
            found.append(f"année de naissance « {values.pop('birth_year')} » illisible (ex. : 1950).")
    return values


async def import_learners(caller: Caller, data: LearnerImport) -> dict[str, Any]:
    site_id = site_for_new_record(caller, data.site_id, "des apprenants")
    try:
        text = await asyncio.to_thread(import_text, data.csv, data.xlsx)
    except ValueError as error:
        raise InvalidData({"xlsx" if data.xlsx else "csv": str(error)}) from None
    people, errors = await asyncio.to_thread(parse, text)
    today = clock.today()
    known = {(row["name_key"], row["birth_year"]) for row in await Learner.select(
        Learner.name_key, Learner.birth_year
    ).where(Learner.site == site_id, Learner.anonymised_at.is_null(), Learner.merged_into.is_null())}  # fmt: skip
    seen: dict[tuple[str, int | None], int] = {}
    new: list[dict[str, Any]] = []
    for person in people:
        line, found = person.pop("line"), []
        try:
            values = msgspec.to_builtins(msgspec.convert(person, LearnerCreate), builtin_types=(date,))
        except msgspec.ValidationError as error:
            errors.setdefault(line, []).append(f"valeur refusée : {error}.")
            continue
        values = writes.derived({k: v for k, v in values.items() if k not in ("site_id", "confirm_duplicate")}, today)
        values["first_visit_on"] = values.get("first_visit_on") or today
        values["age_band"] = values.get("age_band") or "non_communique"
        found += list(writes.problems(values, today).values())
        key = (name_key(values["first_name"], values["last_name"]), values.get("birth_year"))
        if key in seen:
            found.append(f"la même personne figure déjà ligne {seen[key]}.")
        seen.setdefault(key, line)
        if found:
            errors.setdefault(line, []).extend(found)
        elif key not in known:
            new.append(values)
    if errors:
        fields = {f"csv[ligne {n}]": f"Ligne {n} : " + sentences(reasons) for n, reasons in sorted(errors.items())}
        bad = len(errors)
        raise InvalidData(
            fields, f"Fichier refusé : {bad} ligne{'s' if bad > 1 else ''} en erreur, rien n'a été importé."
        )
    if not data.dry_run and new:
        await sql.transact(_create_all(caller, site_id, new))
    return {"dry_run": data.dry_run, "lines": len(people), "created": len(new), "already": len(people) - len(new)}


def _create_all(caller: Caller, site_id: int, people: list[dict[str, Any]]) -> sql.Plan[int]:
    """Every new file in one transaction (their duplicates were checked above: confirmed)."""
    for values in people:
        yield from writes.create(caller, site_id, values, True, not db.is_sqlite())
    return len(people)
