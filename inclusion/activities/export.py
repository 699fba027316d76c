"""Activity exports in the national activity model's columns: CSV and XLSX, read in batches, never whole."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from inclusion.activities.services import COLUMNS, activity_clauses, with_links
from inclusion.documents.spreadsheets import safe_row
from inclusion.documents.spreadsheets import workbook as new_workbook
from inclusion.scoping import Caller
from inclusion.storage.tables.activities import Activity, ActivityParticipant
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import AgeBand, Gender, SocialStatus

BATCH = 500
BANDS = [("age", band) for band in AgeBand] + [("genre", g) for g in Gender] + [("statut", s) for s in SocialStatus]
HEADER = [
    "id", "type", "date", "heure_debut", "duree_minutes", "lieu", "thematiques", "demarches", "materiel",
    "autonomie", "orientation", "orientation_structure", "titre", "niveau",
    "participants_presents", "participants_absents", "participants_anonymes", "participants_total",
    *[f"{kind}_{value.value}" for kind, value in BANDS],
]  # fmt: skip


async def batches(caller: Caller, filters: dict[str, Any]) -> AsyncIterator[list[dict[str, Any]]]:
    """The matching activities by date then id, BATCH at a time (keyset paging: constant cost per batch)."""
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
        yield await _with_bands(await with_links(rows))
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
    """One activity as the export's cells (dates as dd/mm/yyyy, lists joined)."""
    present = sum(1 for p in row["participants"] if p["present"])
    absent = len(row["participants"]) - present
    named = present + (1 if row["type"] == "individuel" else 0)
    referral = row["referral"] or {}
    return [
        row["id"], row["type"], row["date"].strftime("%d/%m/%Y"), row["start_time"] or "", row["duration_minutes"],
        row["place"], ", ".join(row["digital_topics"]), ", ".join(row["admin_topics"]), row["device"] or "",
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
    yield ("\ufeff" + _csv_text([HEADER])).encode()
    if first is not None:
        yield _csv_text(cells(row) for row in first).encode()
        async for rows in pending:
            yield _csv_text(cells(row) for row in rows).encode()


def _csv_text(lines) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(safe_row(line) for line in lines)
    return buffer.getvalue()


async def xlsx_file(caller: Caller, filters: dict[str, Any]) -> str:
    """Write the XLSX to a temporary file row by row (constant memory); return its path, to stream then delete."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    workbook = new_workbook(path, constant_memory=True, tmpdir=tempfile.gettempdir())
    sheet = workbook.add_worksheet("Activités")
    sheet.write_row(0, 0, HEADER, workbook.add_format({"bold": True}))
    line = 1
    try:
        async for rows in batches(caller, filters):
            for row in rows:
                sheet.write_row(line, 0, safe_row(cells(row)))
                line += 1
    except BaseException:  # a refused filter: no temporary file left open nor behind
        await asyncio.to_thread(workbook.close)
        os.remove(path)
        raise
    await asyncio.to_thread(workbook.close)
    return path
