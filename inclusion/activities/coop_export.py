"""A period's activities as La Coop de la médiation numérique exports them: one row per accompaniment (a session's
person; each present participant of a workshop, named or not), its columns and its labels (`coop.py`). XLSX opens
with the Coop's "Informations export" block, then the table; CSV holds the table alone (`;`, UTF-8 with a BOM).

A workshop's anonymous participants are counted by age band, gender and status separately: their rows take the
values of each count in turn (the totals by band match; which age goes with which gender is not known)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from typing import Any

from inclusion import clock
from inclusion.activities import coop
from inclusion.activities.export import MAX_WIDTH, batches, csv_text
from inclusion.documents.spreadsheets import safe_row
from inclusion.documents.spreadsheets import workbook as new_workbook
from inclusion.learners.names import display_name
from inclusion.scoping import Caller
from inclusion.storage.tables.activities import ActivityParticipant
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site
from inclusion.vocabulary import AGE_BAND_LABELS, DEVICE_LABELS, GENDER_LABELS, AgeBand, Gender, SocialStatus

ID_SPACE = uuid.UUID("6f1f5d1e-93a5-4e37-9a52-2c0b7a0c1c27")
PERSON = ("age_band", "gender", "social_status")
UNKNOWN = dict.fromkeys(PERSON, "non_communique")  # a session whose person was not described
ORDER = {"age_band": list(AgeBand), "gender": list(Gender), "social_status": list(SocialStatus)}
LEARNER_FIELDS = ("first_name", "last_name", "pseudonym", "anonymised_at", "insee_code")
_LEARNER = tuple(getattr(Learner, name) for name in LEARNER_FIELDS)


def coop_id(row: dict[str, Any]) -> str:
    """The activity's "ID CRA": the Coop's own when it came from there, else one made from ours (the same at every
    export, so the Coop's import and ours recognise it)."""
    return row.get("coop_id") or str(uuid.uuid5(ID_SPACE, f"{row['id']}:{row['created_at'].isoformat()}"))


async def _with_people(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each activity's sites and accompanied people (`people`: dicts with name, bands and commune)."""
    ids = [row["id"] for row in rows]
    sites = {
        site["id"]: site for site in await Site.select().where(Site.id.is_in(sorted({r["site_id"] for r in rows})))
    }
    present = (
        await ActivityParticipant.select(
            ActivityParticipant.activity,
            *(getattr(ActivityParticipant.learner, name).as_alias(name) for name in (*LEARNER_FIELDS, *PERSON)),
        )
        .where(ActivityParticipant.activity.is_in(ids), ActivityParticipant.present.eq(True))
        .order_by(ActivityParticipant.id)
        .run()
    )
    learners = sorted({row["learner_id"] for row in rows if row["learner_id"]}) or [0]
    columns = (Learner.id, *_LEARNER, Learner.age_band, Learner.gender, Learner.social_status)
    files = {p["id"]: p for p in await Learner.select(*columns).where(Learner.id.is_in(learners))}
    present_in: dict[int, list[dict[str, Any]]] = {}
    for person in present:
        present_in.setdefault(person["activity"], []).append(person)
    for row in rows:
        row["site_row"] = sites[row["site_id"]]
        if row["type"] == "individuel":
            row["people"] = (
                [_named(files[row["learner_id"]])]
                if row["learner_id"] in files
                else [{"name": coop.ANONYMOUS, "insee_code": "", **UNKNOWN, **(row["anonymous_person"] or {})}]
            )
            continue
        row["people"] = [_named(p) for p in present_in.get(row["id"], [])]
        row["people"] += _anonymous(row["anonymous_count"], row["anonymous_breakdown"] or {})
    return rows


def _named(person: dict[str, Any]) -> dict[str, Any]:
    name = display_name(
        person["first_name"], person["last_name"], person["pseudonym"], person["anonymised_at"] is not None
    )
    return {"name": name, "insee_code": person["insee_code"], **{key: person[key] for key in PERSON}}


def _anonymous(count: int, breakdown: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """`count` people without a file, each dimension's counts dealt out in the vocabulary's order."""
    people = [{"name": coop.ANONYMOUS, "insee_code": ""} for _ in range(count)]
    for name, order in ORDER.items():
        values = [str(value) for value in order for _ in range((breakdown.get(name) or {}).get(value, 0))]
        values += ["non_communique"] * (count - len(values))
        for person, value in zip(people, values, strict=False):
            person[name] = value
    return people


def _stamp(instant: datetime) -> str:
    return f"{instant.astimezone(clock.zone()):%d/%m/%Y à %H:%M}"


def accompaniments(row: dict[str, Any]) -> Iterable[list[Any]]:
    """The activity's rows in the Coop's columns (`coop.HEADER`), one per person accompanied."""
    site, people = row["site_row"], row["people"]
    first, _, last = (row["adviser_name"] or "").partition(" ")
    at_site = row["place"] == "lieu_activite"
    where = (
        (site["city"], site["postal_code"], site["insee_code"])
        if at_site
        else (row["place_city"], row["place_postal_code"], row["place_insee_code"])
    )
    referral = row["referral"] or {}
    shared = [
        row["date"], _stamp(row["created_at"]),
        "" if row["updated_at"] == row["created_at"] else _stamp(row["updated_at"]),
        first, last, coop.ROLE, "", coop.TYPES[row["type"]],
    ]  # fmt: skip
    place = [
        coop.PLACES[row["place"]], site["name"] if at_site else "", site["address"] if at_site else "", *where,
        row["duration_minutes"], row["title"] if row["type"] == "collectif" else "",
        coop.LINE_BREAK.join(DEVICE_LABELS[device] for device in row["devices"]),
        coop.LINE_BREAK.join(coop.TOPICS[t] for t in [*row["digital_topics"], *row["admin_topics"]]), "",
        row["procedure_name"], coop.STARS.get(row["autonomy"] or row["level"] or "", ""),
        coop.YES_NO.get(row["referred"], ""), coop.REFERRALS.get(referral.get("type"), ""),
    ]  # fmt: skip
    for index, person in enumerate(people):
        yield [
            *shared, 1 if len(people) == 1 else f"{index + 1}/{len(people)}", person["name"], *place,
            "", "", person["insee_code"], GENDER_LABELS[person["gender"]], AGE_BAND_LABELS[person["age_band"]],
            coop.STATUSES[person["social_status"]], row["note"] if index == 0 else "", coop_id(row),
        ]  # fmt: skip


async def _lines(caller: Caller, filters: dict[str, Any]) -> AsyncIterator[list[list[Any]]]:
    today = clock.today()  # what the Coop records has happened: a workshop planned ahead is not exported
    until = min(filters.get("date_to") or today, today)
    async for rows in batches(caller, filters | {"date_to": until}, _with_people):
        yield [line for row in rows for line in accompaniments(row)]


async def csv_chunks(caller: Caller, filters: dict[str, Any]) -> AsyncIterator[bytes]:
    """The table as CSV, one chunk per batch; the first batch is read before the answer starts."""
    pending = _lines(caller, filters)
    first = await anext(pending, None)

    async def stream() -> AsyncIterator[bytes]:
        yield ("\ufeff" + csv_text([coop.HEADER])).encode()
        if first is not None:
            yield csv_text(first).encode()
            async for lines in pending:
                yield csv_text(lines).encode()

    return stream()


async def xlsx_file(caller: Caller, filters: dict[str, Any], who: str) -> str:
    """The XLSX in a temporary file: "Informations export" (name, role, total, date and hour of the export), the
    filters, then the table with its header; its path, to stream then delete. The period's rows are held in memory
    first, because the block above the table gives their total (the page asks a year at most; the API does not)."""
    lines = [line async for batch in _lines(caller, filters) for line in batch]
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    await asyncio.to_thread(_write_xlsx, path, lines, who, filters)
    return path


def _write_xlsx(path: str, lines: list[list[Any]], who: str, filters: dict[str, Any]) -> None:
    book = new_workbook(path, default_date_format="dd/mm/yyyy")
    sheet = book.add_worksheet("Activités")
    bold, wrap = book.add_format({"bold": True}), book.add_format({"text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    moment = clock.now().astimezone(clock.zone())
    first, _, last = who.partition(" ")
    period = f"{_day(filters.get('date_from'))} - {_day(filters.get('date_to'))}"
    head = [
        ["Informations export"], ["Nom", last or "-"], ["Prénom", first or "-"], ["Rôle", coop.ROLE],
        ["Total", len(lines)], ["Date d'export", f"{moment:%d/%m/%Y}"], ["Heure d'export", f"{moment:%H:%M}"], [],
        ["Filtres"], ["Période", period], [],
    ]  # fmt: skip
    for number, cells in enumerate(head):
        sheet.write_row(number, 0, safe_row(cells), bold if len(cells) == 1 else None)
    start = len(head)
    sheet.write_row(start, 0, coop.HEADER, bold)
    widths = [len(name) for name in coop.HEADER]
    for number, cells in enumerate(lines, start=start + 1):
        values = safe_row(cells)
        sheet.write(number, 0, values[0], day)
        sheet.write_row(number, 1, values[1:], wrap)
        widths = [
            max(width, max(map(len, str(value).split("\n")))) for width, value in zip(widths, values, strict=True)
        ]
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(width, MAX_WIDTH) + 2)
    sheet.freeze_panes(start + 1, 0)
    if lines:
        sheet.autofilter(start, 0, start + len(lines), len(coop.HEADER) - 1)
    book.close()


def _day(value: Any) -> str:
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else "-"
