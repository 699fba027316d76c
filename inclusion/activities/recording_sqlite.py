"""SQLite: recording activities, several requests' worth in one plan, on the event loop's own thread.

Recorded alone, a workshop was a transaction of five statements (its learners read, an INSERT per table, the
contact dates) and a commit: 207 us of SQLite's time, against 81 us each for 8 in one plan and 65 us for 16.
Requests recording at the same time share one plan (`batching.Batcher`, which lets the loop turn while they keep
arriving): one read of every learner they name, one INSERT per table for all their rows, one UPDATE per contact
date. The plan runs on the loop's thread when the write lock is free at once (`sql.transact_here`): on the
writer thread each statement gave the GIL up and waited for the loop to hand it back, and the two took turns.
Each request still gets its own answer or its own 422; a plan that fails as a whole is run again one activity at
a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import msgspec

from inclusion.activities.rules import Recording, learner_problems
from inclusion.errors import InvalidData
from inclusion.learners.names import display_name
from inclusion.learners.services import contact_statement
from inclusion.storage import sql
from inclusion.storage.batching import Batcher

_LIVE_LEARNERS = """
SELECT json_group_array(json_array(id, site, first_name, last_name, pseudonym)) AS found FROM learner
WHERE anonymised_at IS NULL AND merged_into IS NULL AND id IN ({ids})
"""
"""One row, a JSON array: a row per learner would give the GIL up and wait for it once per row."""
MOST_VALUES = 10_000
"""Values bound to one statement (SQLite allows 32,766): a batch of long repeated workshops takes several."""


HERE_AT_MOST = 1_000
"""Rows a batch may write on the event loop's own thread; a bigger one (a 500-person workshop repeated 20 weeks is
10,000 rows, about 0.4 s of work) goes to the writer thread, so the loop keeps answering meanwhile
(bench/health_during_writes.py: /health waited 368 ms behind it)."""


def _rows(batch: list[Recording]) -> int:
    return sum(len(r.occurrences) * (1 + len(r.values.get("participants") or [])) for r in batch)


async def run(batch: list[Recording]) -> list[Any]:
    """One outcome per recording: (names, ids) or its InvalidData. Outside a transaction, on the event loop's
    thread when the write lock is free at once and the batch is small (`sql.transact_here`)."""
    transact = sql.transact_here if _rows(batch) <= HERE_AT_MOST else sql.transact
    try:
        return await transact(_plan(batch))
    except Exception as error:
        if len(batch) == 1:
            return [error]
        return [(await run([recording]))[0] for recording in batch]


batcher: Batcher[Recording, Any] = Batcher(run, gather_turns=8)


def _plan(batch: list[Recording]) -> sql.Plan[list[Any]]:
    named = sorted({learner for recording in batch for learner in recording.named})
    live: dict[int, tuple[int, str]] = {}
    if named:
        rows = yield _LIVE_LEARNERS.format(ids=sql.marks(len(named))), named
        for id, site, first, last, pseudonym in msgspec.json.decode(rows[0]["found"]):
            live[id] = site, display_name(first, last, pseudonym, False)
    outcomes: list[Any] = []
    for recording in batch:
        names = {id: live[id][1] for id in recording.named if id in live and live[id][0] == recording.site}
        problems = learner_problems(recording.values, names)
        outcomes.append(InvalidData(problems) if problems else names)
    accepted = [index for index, outcome in enumerate(outcomes) if not isinstance(outcome, InvalidData)]
    if accepted:
        created = yield from _write([batch[index] for index in accepted])
        for index, ids in zip(accepted, created, strict=True):
            outcomes[index] = (outcomes[index], ids)
    return outcomes


def _write(recordings: list[Recording]) -> sql.Plan[list[list[int]]]:
    """Insert the activities, their topics and participants, and move the present learners' contact dates
    forward; the ids of each recording's activities. SQLite numbers the rows of one INSERT in their order, each
    past the largest id yet (it returns them in no set order)."""
    columns = (*recordings[0].columns, "date")
    rows = [[occurrence[name] for name in columns] for recording in recordings for occurrence in recording.occurrences]
    ids: list[int] = []
    for chunk in _chunks(rows, columns):
        statement, args = sql.insert_many_statement("activity", columns, chunk)
        returned = yield f"{statement} RETURNING id", args
        ids += sorted(row["id"] for row in returned)
    created = iter(ids)
    per_recording = [[next(created) for _ in recording.occurrences] for recording in recordings]
    topics: list[tuple[Any, ...]] = []
    participants: list[tuple[Any, ...]] = []
    contacts: dict[int, date] = {}
    for recording, recording_ids in zip(recordings, per_recording, strict=True):
        kinds_topics = recording.topics
        attendance = [(p["learner_id"], p["present"]) for p in recording.values["participants"]]
        for activity_id in recording_ids:
            topics += [(activity_id, kind, topic) for kind, topic in kinds_topics]
            participants += [(activity_id, learner, here) for learner, here in attendance]
        last_day = recording.contact_day
        for learner in recording.present if last_day else ():
            contacts[learner] = max(contacts.get(learner, last_day), last_day)
    for table, names, links in (
        ("activity_topic", ("activity", "kind", "topic"), topics),
        ("activity_participant", ("activity", "learner", "present"), participants),
    ):
        for chunk in _chunks(links, names):
            yield sql.insert_many_statement(table, names, chunk)
    by_day: dict[date, list[int]] = {}
    for learner, day in contacts.items():
        by_day.setdefault(day, []).append(learner)
    for day, learners in sorted(by_day.items()):
        yield contact_statement(learners, day)
    return per_recording


def _chunks(rows: list[Any], columns: tuple[str, ...]) -> Iterator[list[Any]]:
    size = max(1, MOST_VALUES // len(columns))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
