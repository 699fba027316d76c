"""Activities from a La Coop de la médiation numérique export (its columns, `coop.HEADER`; our own Coop export
too), so a site brings its history: the file is taken whole or not at all, every bad line named with its reason;
a dry run checks it all and writes nothing.

The Coop writes one row per accompaniment: the rows sharing an "ID CRA" are one activity. A named beneficiary must
be a live file of the site (matched on its displayed name); "Bénéficiaire anonyme" is a person without a file. An
activity whose ID CRA the site already holds (imported before, or exported from here) is left as it is, so
importing the same file again changes nothing."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections import Counter
from datetime import date, datetime
from typing import Any

import msgspec

from inclusion import clock
from inclusion.activities import coop, recording
from inclusion.activities.coop_export import coop_id
from inclusion.activities.rules import shape_problems, with_devices
from inclusion.activities.schemas import ActivityCreate, CoopImport
from inclusion.documents.spreadsheets import FORMULA_STARTS
from inclusion.documents.xlsx_reading import import_text
from inclusion.errors import InvalidData, sentences
from inclusion.learners.names import display_name
from inclusion.scoping import Caller, site_for_new_record
from inclusion.storage import db
from inclusion.storage.tables.activities import Activity
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import (
    ADMIN_TOPIC_LABELS,
    AGE_BAND_LABELS,
    DEVICE_LABELS,
    DIGITAL_TOPIC_LABELS,
    GENDER_LABELS,
)

MAX_LINES = 20_000
REQUIRED = ("Date", "Type", "Durée (min)", "Thématique(s) d’accompagnement", "Canaux d’accompagnement", "ID CRA")
TYPES, PLACES, REFERRALS = coop.reverse(coop.TYPES), coop.reverse(coop.PLACES), coop.reverse(coop.REFERRALS)
DEVICES, TOPICS = coop.reverse(DEVICE_LABELS), coop.reverse(coop.TOPICS)
ADMIN = {str(topic) for topic in ADMIN_TOPIC_LABELS}
DIGITAL = {str(topic) for topic in DIGITAL_TOPIC_LABELS}
BANDS = {
    "gender": ("Genre du bénéficiaire", coop.reverse(GENDER_LABELS)),
    "age_band": ("Tranche d’âge du bénéficiaire", coop.reverse(AGE_BAND_LABELS)),
    "social_status": ("Statut du bénéficiaire", coop.reverse(coop.STATUSES)),
}
YES_NO = {"Oui": True, "Non": False, "": None}


def _plain(text: str) -> str:
    return text.replace("'", "’").strip()


def parse(text: str) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    """The table's lines (from the header row starting "Date", after any "Informations export" block) as dicts by
    column name, with their line number; or the reasons a line or the header is wrong."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if re.match(r'^"?Date"?[;,]', line)), None)
    if start is None:
        return [], {1: ["aucune ligne d'en-tête commençant par « Date » : est-ce un export d'activités de La Coop ?"]}
    first = lines[start]
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=";" if ";" in first else ",")
    header = [_plain(cell) for cell in next(reader)]
    if missing := [name for name in REQUIRED if name not in header]:
        return [], {start + 1: [f"colonne(s) manquante(s) : {', '.join(missing)}."]}
    rows: list[dict[str, Any]] = []
    read = reader.line_num
    for cells in reader:
        number, read = start + read + 1, reader.line_num  # a cell may hold line breaks: count the file's lines
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_LINES:
            return rows, {number: [f"le fichier dépasse {MAX_LINES} lignes."]}
        rows.append(
            {"line": number} | {name: _text(cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
        )
    return rows, {} if rows else {start + 1: ["le fichier ne contient aucune activité."]}


def _text(cell: str) -> str:
    """A cell's text, without the quote our exports put before text a spreadsheet would run as a formula."""
    cell = cell.strip()
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_STARTS else cell


def _day(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date() if "/" in text else date.fromisoformat(text[:10])


def _person(row: dict[str, Any], found: list[str]) -> dict[str, str]:
    person = {}
    for field, (column, labels) in BANDS.items():
        value = row.get(column, "")
        person[field] = labels.get(value, "non_communique" if not value else "")
        if not person[field]:
            found.append(f"« {value} » n'est pas une valeur de « {column} ».")
    return person


def activity_values(group: list[dict[str, Any]], names: dict[str, int | None]) -> tuple[dict[str, Any], list[str]]:
    """One activity (its rows in the file) as ActivityCreate's fields, and what is wrong with it."""
    row, found = group[0], []
    kind = TYPES.get(row["Type"])
    if kind is None:
        return {}, [f"type « {row['Type']} » inconnu ({' ou '.join(TYPES)})."]
    values: dict[str, Any] = {"type": kind, "coop_id": row["ID CRA"], "note": row.get("Notes supplémentaires", "")}
    try:
        values["date"] = _day(row["Date"])
    except ValueError:
        found.append(f"date « {row['Date']} » illisible (JJ/MM/AAAA).")
    values["duration_minutes"] = int(row["Durée (min)"]) if row["Durée (min)"].isdigit() else 0
    values["place"] = PLACES.get(_plain(row["Canaux d’accompagnement"]), "")
    if not values["place"]:
        found.append(f"canal « {row['Canaux d’accompagnement']} » inconnu.")
    elif values["place"] != "lieu_activite":
        values |= {"place_city": row.get("Commune", ""), "place_postal_code": row.get("Code postal", "")}
        values["place_insee_code"] = row.get("Code Insee", "")
    for column, labels, name in (("Matériel numérique utilisé", DEVICES, "devices"),
                                 ("Thématique(s) d’accompagnement", TOPICS, "topics")):  # fmt: skip
        chosen = [line.strip() for line in row.get(column, "").splitlines() if line.strip()]
        found += [f"« {label} » n'est pas une valeur de « {column} »." for label in chosen if label not in labels]
        values[name] = [labels[label] for label in chosen if label in labels]
    topics = values.pop("topics")
    values["digital_topics"] = [topic for topic in topics if topic in DIGITAL]
    values["admin_topics"] = [topic for topic in topics if topic in ADMIN]
    values["procedure_name"] = row.get("Nom de la démarche administrative", "")
    stars = row.get("Niveau d’autonomie (ou de l’atelier)", "")
    rank = int(stars[0]) if re.fullmatch(r"[123]/3", stars) else None
    if kind == "collectif":
        values["title"] = row.get("Nom de l’atelier", "")
        values["level"] = ("debutant", "intermediaire", "avance")[rank - 1] if rank else None
        return values | _participants(group, names, found), found
    values["autonomy"] = ("entierement_accompagne", "partiellement_autonome", "autonome")[rank - 1] if rank else None
    values["referred"] = YES_NO.get(row.get("Bénéficiaire réorienté", ""))
    if referral := REFERRALS.get(_plain(row.get("Structure de redirection", ""))):
        values["referral"] = {"type": referral}
    name = row.get("Bénéficiaire", coop.ANONYMOUS) or coop.ANONYMOUS
    if name == coop.ANONYMOUS:
        values["anonymous_person"] = _person(row, found)
    else:
        values["learner_id"] = _learner(name, names, found)
    return values, found


def _learner(name: str, names: dict[str, int | None], found: list[str]) -> int | None:
    if name not in names:
        found.append(f"bénéficiaire « {name} » : aucune fiche de ce nom sur le site ; créez-la ou importez-la d'abord.")
    elif names[name] is None:
        found.append(f"bénéficiaire « {name} » : plusieurs fiches portent ce nom sur le site.")
    return names.get(name)


def _participants(group: list[dict[str, Any]], names: dict[str, int | None], found: list[str]) -> dict[str, Any]:
    participants, anonymous = [], []
    for row in group:
        name = row.get("Bénéficiaire", coop.ANONYMOUS) or coop.ANONYMOUS
        if name == coop.ANONYMOUS:
            anonymous.append(_person(row, found))
        elif (learner := _learner(name, names, found)) is not None:
            participants.append({"learner_id": learner, "present": True})
    breakdown = {field: dict(Counter(person[field] for person in anonymous)) for field in BANDS}
    breakdown = {field: counts for field, counts in breakdown.items() if set(counts) != {"non_communique"}}
    return {"participants": participants, "anonymous_count": len(anonymous),
            "anonymous_breakdown": breakdown or None}  # fmt: skip


async def _site_names(site_id: int) -> dict[str, int | None]:
    """Displayed name → learner id of the site's live files (None when two files share the name)."""
    rows = await Learner.select(Learner.id, Learner.first_name, Learner.last_name, Learner.pseudonym).where(
        Learner.site == site_id, Learner.anonymised_at.is_null(), Learner.merged_into.is_null()
    )
    names: dict[str, int | None] = {}
    for row in rows:
        name = display_name(row["first_name"], row["last_name"], row["pseudonym"], False)
        names[name] = None if name in names else row["id"]
    return names


async def _held(site_id: int, days: list[date]) -> set[str]:
    """The ID CRA the site already holds in the file's days: imported ones, and those our export gives its own."""
    if not days:
        return set()
    rows = await Activity.select(Activity.id, Activity.coop_id, Activity.created_at).where(
        Activity.site == site_id, Activity.date >= min(days), Activity.date <= max(days)
    )
    return {coop_id(row) for row in rows}  # an imported row's own ID CRA, else the one our export gives it


async def import_activities(caller: Caller, data: CoopImport) -> dict[str, Any]:
    site_id = site_for_new_record(caller, data.site_id, "des activités")
    try:
        text = await asyncio.to_thread(import_text, data.csv, data.xlsx)
    except ValueError as error:
        raise InvalidData({"xlsx" if data.xlsx else "csv": str(error)}) from None
    rows, errors = await asyncio.to_thread(parse, text)
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if not row["ID CRA"]:
            errors.setdefault(row["line"], []).append("« ID CRA » manquant.")
        groups.setdefault(row["ID CRA"], []).append(row)
    names, today = await _site_names(site_id), clock.today()
    planned = []
    for group in groups.values():
        values, found = activity_values(group, names)
        if not found:
            values["site_id"] = site_id
            found = list(shape_problems(with_devices(values), today).values())
            try:
                planned.append(msgspec.convert(values, ActivityCreate, strict=False))
            except msgspec.ValidationError as error:
                found.append(f"valeur refusée : {error}.")
        if found:
            errors.setdefault(group[0]["line"], []).extend(found)
    if errors:
        fields = {f"csv[ligne {n}]": f"Ligne {n} : " + sentences(reasons) for n, reasons in sorted(errors.items())}
        bad = len(errors)
        raise InvalidData(
            fields, f"Fichier refusé : {bad} ligne{'s' if bad > 1 else ''} en erreur, rien n'a été importé."
        )
    held = await _held(site_id, [activity.date for activity in planned])
    new = [activity for activity in planned if activity.coop_id not in held]
    if not data.dry_run and new:
        async with db.write_transaction():
            for activity in new:
                await recording.create_activities(caller, activity)
    return {"dry_run": data.dry_run, "lines": len(rows), "created": len(new), "already": len(planned) - len(new)}
