"""Activity exports in the national activity model's columns: CSV and XLSX, read in batches, never whole; and what
the export page asks (a period, a site, a format) checked field by field, with the file's name."""

from __future__ import annotations

import asyncio
import calendar
import csv
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from inclusion.activities.services import COLUMNS, activity_clauses, with_links
from inclusion.documents.spreadsheets import safe_row
from inclusion.documents.spreadsheets import workbook as new_workbook
from inclusion.errors import InvalidData
from inclusion.scoping import Caller
from inclusion.storage.tables.activities import Activity, ActivityParticipant
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import AgeBand, Gender, SocialStatus

BATCH = 500
MAX_WIDTH = 60  # characters: a long note or title wraps its column at this width
BANDS = [("age", band) for band in AgeBand] + [("genre", g) for g in Gender] + [("statut", s) for s in SocialStatus]
HEADER = [
    "id", "type", "date", "heure_debut", "duree_minutes", "lieu", "thematiques", "demarches", "materiel",
    "autonomie", "orientation", "orientation_structure", "titre", "niveau",
    "participants_presents", "participants_absents", "participants_anonymes", "participants_total",
    *[f"{kind}_{value.value}" for kind, value in BANDS],
]  # fmt: skip


async def batches(caller: Caller, filters: dict[str, Any], enrich=None) -> AsyncIterator[list[dict[str, Any]]]:
    """The matching activities by date then id, BATCH at a time (keyset paging: constant cost per batch), each batch
    completed by `enrich` (the counts of people by band, unless told)."""
    clauses = activity_clauses(caller, filters)
    after: tuple[date, int] | None = None
    while True:
        query = Activity.select(*COLUMNS)
        if clauses:
            query = query.where(*clauses)
        if after is not None:
            query = query.where((Activity.date > after[0]) | ((Activity.date == after[0]) & (Activity.id > after[1])))
        rows = await query.order_by(Activity.date, Activity.id).limit(BATCH).output(load_json=True).run()
        if not rows:
            return
        yield await (enrich or _with_bands)(await with_links(rows))
        after = (rows[-1]["date"], rows[-1]["id"])


async def _with_bands(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows]
    present = (
        await ActivityParticipant.select(
            ActivityParticipant.activity,
            ActivityParticipant.learner.age_band.as_alias("age_band"),
            ActivityParticipant.learner.gender.as_alias("gender"),
            ActivityParticipant.learner.social_status.as_alias("social_status"),
        )
        .where(ActivityParticipant.activity.is_in(ids), ActivityParticipant.present.eq(True))
        .run()
    )
    learners = {row["learner_id"] for row in rows if row["learner_id"]}
    people = (
        await Learner.select(Learner.id, Learner.age_band, Learner.gender, Learner.social_status)
        .where(Learner.id.is_in(sorted(learners) or [0]))
        .run()
    )
    by_learner = {person["id"]: person for person in people}
    for row in rows:
        counts = {f"{kind}_{value.value}": 0 for kind, value in BANDS}
        people_here = [p for p in present if p["activity"] == row["id"]]
        if row["learner_id"] in by_learner:
            people_here.append(by_learner[row["learner_id"]])
        elif row["anonymous_person"]:
            people_here.append(row["anonymous_person"])
        for person in people_here:
            counts[f"age_{person['age_band']}"] += 1
            counts[f"genre_{person['gender']}"] += 1
            counts[f"statut_{person['social_status']}"] += 1
        for name, prefix in (("age_band", "age"), ("gender", "genre"), ("social_status", "statut")):
            for value, count in ((row["anonymous_breakdown"] or {}).get(name) or {}).items():
                counts[f"{prefix}_{value}"] += count
        row["band_counts"] = counts
    return rows


def cells(row: dict[str, Any]) -> list[Any]:
    """One activity as the export's cells (the date a `date`: dd/mm/yyyy text in CSV, a date cell in XLSX)."""
    present = sum(1 for p in row["participants"] if p["present"])
    absent = len(row["participants"]) - present
    named = present + (1 if row["type"] == "individuel" else 0)
    referral = row["referral"] or {}
    return [
        row["id"], row["type"], row["date"], row["start_time"] or "", row["duration_minutes"],
        row["place"], ", ".join(row["digital_topics"]), ", ".join(row["admin_topics"]), ", ".join(row["devices"]),
        row["autonomy"] or "", referral.get("type") or "", referral.get("name") or "", row["title"], row["level"] or "",
        present, absent, row["anonymous_count"], named + row["anonymous_count"],
        *[row["band_counts"][f"{kind}_{value.value}"] for kind, value in BANDS],
    ]  # fmt: skip


async def csv_chunks(caller: Caller, filters: dict[str, Any]) -> AsyncIterator[bytes]:
    """`;`-separated UTF-8 with a BOM, as French spreadsheets expect; one chunk per batch. The first batch is read
    before the answer starts: a filter the database refuses is then an error answer, not a stream cut short."""
    pending = batches(caller, filters)
    first = await anext(pending, None)
    return _csv_stream(first, pending)


async def _csv_stream(first: list[dict[str, Any]] | None, pending: AsyncIterator) -> AsyncIterator[bytes]:
    yield ("\ufeff" + csv_text([HEADER])).encode()
    if first is not None:
        yield csv_text(cells(row) for row in first).encode()
        async for rows in pending:
            yield csv_text(cells(row) for row in rows).encode()


def csv_text(lines) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(
        safe_row(f"{value:%d/%m/%Y}" if isinstance(value, date) else value for value in line) for line in lines
    )
    return buffer.getvalue()


def _width(value: Any) -> int:
    return 10 if isinstance(value, date) else len(str(value))


async def xlsx_file(caller: Caller, filters: dict[str, Any]) -> str:
    """Write the XLSX to a temporary file row by row (constant memory); return its path, to stream then delete.
    Dates are date cells shown dd/mm/yyyy, the header row stays in view, each column is as wide as its content."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    workbook = new_workbook(path, constant_memory=True, tmpdir=tempfile.gettempdir(), default_date_format="dd/mm/yyyy")
    sheet = workbook.add_worksheet("Activités")
    sheet.write_row(0, 0, HEADER, workbook.add_format({"bold": True}))
    sheet.freeze_panes(1, 0)
    widths = [len(name) for name in HEADER]
    line = 1
    try:
        async for rows in batches(caller, filters):
            for row in rows:
                values = safe_row(cells(row))
                sheet.write_row(line, 0, values)
                widths = [max(width, _width(value)) for width, value in zip(widths, values, strict=True)]
                line += 1
    except BaseException:  # a refused filter: no temporary file left open nor behind
        await asyncio.to_thread(workbook.close)
        os.remove(path)
        raise
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(width, MAX_WIDTH) + 2)
    await asyncio.to_thread(workbook.close)
    return path


MAX_DAYS = 366
FORMATS = ("xlsx", "csv")
MODELS = ("national", "coop")  # one row per activity, no name; or La Coop's: one row per accompaniment


@dataclass(frozen=True)
class ExportRequest:
    """A checked export: its period, its site (None: all the caller's sites) and its format."""

    start: date
    end: date
    site: dict[str, Any] | None
    format: str
    model: str = "national"

    @property
    def filters(self) -> dict[str, Any]:
        return {"date_from": self.start, "date_to": self.end, "site": self.site["id"] if self.site else None}


def this_month(today: date) -> tuple[date, date]:
    return today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1])


def _day(raw: str) -> date:
    """A day typed as AAAA-MM-JJ (a date field) or JJ/MM/AAAA (typed by hand); ValueError otherwise."""
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", raw):
        return datetime.strptime(raw, "%d/%m/%Y").date()
    return date.fromisoformat(raw)


def export_request(values: dict[str, str], sites: list[dict[str, Any]]) -> ExportRequest:
    """The export asked by the page's fields; InvalidData with a French message per wrong field."""
    found: dict[str, str] = {}
    days: dict[str, date] = {}
    for field, what in (("date_from", "de début"), ("date_to", "de fin")):
        if not (raw := values.get(field, "").strip()):
            found[field] = f"Indiquez la date {what}."
            continue
        try:
            days[field] = _day(raw)
        except ValueError:
            found[field] = f"Date {what} invalide : « {raw[:20]} ». Indiquez-la sous la forme JJ/MM/AAAA."
    if len(days) == 2 and days["date_to"] < days["date_from"]:
        found["date_to"] = "La fin de la période doit être le jour de son début ou après."
    elif len(days) == 2 and (days["date_to"] - days["date_from"]).days >= MAX_DAYS:
        found["date_to"] = f"La période dépasse {MAX_DAYS} jours : exportez une année au plus à la fois."
    site = None
    if raw := values.get("site", "").strip():
        site = next((choice for choice in sites if str(choice["id"]) == raw), None)
        if site is None:
            found["site"] = "Choisissez un de vos sites dans la liste."
    if values.get("format", "") not in FORMATS:
        found["format"] = "Choisissez le format du fichier : XLSX ou CSV."
    if (values.get("model") or "national") not in MODELS:
        found["model"] = "Choisissez le modèle : national ou La Coop."
    if found:
        raise InvalidData(found)
    return ExportRequest(days["date_from"], days["date_to"], site, values["format"], values.get("model") or "national")


def _slug(text: str, ascii_only: bool) -> str:
    """A file-name part: the site's short name (before « — » or a comma), lower case, words joined by dashes."""
    short = re.split(r"\s[—–-]\s|,", text, maxsplit=1)[0]
    if ascii_only:
        short = unicodedata.normalize("NFKD", short).encode("ascii", "ignore").decode()
    return re.sub(r"[^\w]+", "-", short.lower(), flags=re.ASCII if ascii_only else 0).strip("-_") or "site"


def file_names(request: ExportRequest, sites: list[dict[str, Any]]) -> tuple[str, str]:
    """The download's name, in ASCII and in UTF-8: « activites-espace-carnot-2026-12.xlsx », or with the two days
    (« …-2026-11-01-au-2026-11-15… ») for a period that is not one whole month."""
    site = request.site or (sites[0] if len(sites) == 1 else None)
    first, last = this_month(request.start)
    if (request.start, request.end) == (first, last):
        period = f"{request.start:%Y-%m}"
    else:
        period = f"{request.start.isoformat()}-au-{request.end.isoformat()}"
    names = []
    for ascii_only in (True, False):
        where = _slug(site["name"], ascii_only) if site else "tous-les-sites"
        prefix = ("coop-" if request.model == "coop" else "") + ("activites" if ascii_only else "activités")
        names.append(f"{prefix}-{where}-{period}.{request.format}")
    return names[0], names[1]


def content_disposition(ascii_name: str, utf8_name: str) -> str:
    """An attachment named in ASCII for every client, and in UTF-8 (RFC 6266) for those that read it."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name)}"
