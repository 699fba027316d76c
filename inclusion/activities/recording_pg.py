"""PostgreSQL: recording activities, several requests' worth in one statement.

The statement receives a batch of activities as one JSON array. For each, it checks that every learner it names
is a live file of its site; the activities that pass are inserted with their topics and participants, and their
present learners' last-contact dates move forward. Those that fail write nothing, and the rows returned (the
named learners found, the activities created) say why. Requests recording at the same time share a statement
through `batching.Batcher`: the fixed costs of a statement (its triggers, the commit, the round trip) made a
workshop of 8 cost PostgreSQL 2.5 times the CPU of the same workshop recorded in a batch of 8. A batch the
database refuses as a whole (a constraint a concurrent change broke, say) is run again one activity at a time,
so each request gets its own answer.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import msgspec

from inclusion.activities.rules import JSON_COLUMNS, Recording, learner_names, learner_problems
from inclusion.errors import InvalidData
from inclusion.storage import sql
from inclusion.storage.batching import Batcher

_BATCH = """
WITH batch AS MATERIALIZED (
    SELECT * FROM json_to_recordset({{}}::json) AS b(
        n int, site int, named int[], present int[], days date[], contact_day date, kinds text[], topics text[],
        learners int[], presence bool[], activity json)
), known AS MATERIALIZED (
    SELECT id, site, first_name, last_name, pseudonym FROM learner
    WHERE id = ANY({{}}::int[]) AND anonymised_at IS NULL AND merged_into IS NULL
), valid AS MATERIALIZED (
    SELECT b.* FROM batch b
    WHERE (SELECT count(*) FROM known k WHERE k.site = b.site AND k.id = ANY(b.named)) = cardinality(b.named)
), planned AS MATERIALIZED (
    SELECT nextval('activity_id_seq') AS id, o.n, o.day
    FROM (SELECT v.n, d.day FROM valid v, unnest(v.days) WITH ORDINALITY AS d(day, k) ORDER BY v.n, d.k) o
), created AS (
    INSERT INTO activity (id, {columns}, date)
    SELECT p.id, {values}, p.day
    FROM planned p JOIN valid v ON v.n = p.n, json_populate_record(NULL::activity, v.activity) AS r
    ORDER BY p.id
), topics AS (
    INSERT INTO activity_topic (activity, kind, topic)
    SELECT p.id, t.kind, t.topic
    FROM planned p JOIN valid v ON v.n = p.n, unnest(v.kinds, v.topics) WITH ORDINALITY AS t(kind, topic, k)
    ORDER BY p.id, t.k
), participants AS (
    INSERT INTO activity_participant (activity, learner, present)
    SELECT p.id, x.learner, x.present
    FROM planned p JOIN valid v ON v.n = p.n, unnest(v.learners, v.presence) WITH ORDINALITY AS x(learner, present, k)
    ORDER BY p.id, x.k
), contact AS (
    UPDATE learner SET last_contact_on = c.day
    FROM (
        SELECT x.id, max(v.contact_day) AS day FROM valid v, unnest(v.present) AS x(id)
        WHERE v.contact_day IS NOT NULL GROUP BY x.id
    ) c
    WHERE learner.id = c.id AND learner.last_contact_on < c.day
)
SELECT id, site, first_name, last_name, pseudonym, NULL::int AS n, NULL::date AS day FROM known
UNION ALL SELECT id, NULL, NULL, NULL, NULL, n, day FROM planned
"""


async def run(batch: list[Recording]) -> list[Any]:
    """One outcome per recording: (names, ids) or its InvalidData, from one statement. Every activity of an
    ActivityCreate has the same columns: the first one's name them all (one that had others would fail the
    batch, then run alone with its own)."""
    columns = batch[0].columns
    try:
        named = sorted({learner for recording in batch for learner in recording.named})
        rows = await sql.fetch(_statement(columns), _payload(columns, batch), named)
    except Exception as error:
        if len(batch) == 1:
            return [error]
        return [(await run([recording]))[0] for recording in batch]
    return _outcomes(batch, rows)


batcher: Batcher[Recording, Any] = Batcher(run)


@functools.lru_cache(maxsize=16)
def _statement(columns: tuple[str, ...]) -> str:
    return _BATCH.format(
        columns=", ".join(f'"{name}"' for name in columns), values=", ".join(f'r."{name}"' for name in columns)
    )


def _payload(columns: tuple[str, ...], batch: list[Recording]) -> str:
    items = []
    for n, recording in enumerate(batch):
        first, topics, participants = recording.occurrences[0], recording.topics, recording.values["participants"]
        items.append(
            {
                "n": n,
                "site": recording.site,
                "named": sorted(set(recording.named)),
                "present": recording.present,
                "days": [occurrence["date"] for occurrence in recording.occurrences],
                "contact_day": recording.contact_day,
                "kinds": [kind for kind, _ in topics],
                "topics": [topic for _, topic in topics],
                "learners": [p["learner_id"] for p in participants],
                "presence": [p["present"] for p in participants],
                "activity": {name: _json_value(name, first[name]) for name in columns},
            }
        )
    return msgspec.json.encode(items).decode()


def _json_value(column: str, value: Any) -> Any:
    """The breakdown and the devices are already JSON text: embedded as is, each lands in its `json` column."""
    return msgspec.Raw(value) if column in JSON_COLUMNS else value


def _outcomes(batch: list[Recording], rows: list[dict[str, Any]]) -> list[Any]:
    known = [row for row in rows if row["n"] is None]
    created: dict[int, dict[date, int]] = {}
    for row in rows:
        if row["n"] is not None:
            created.setdefault(row["n"], {})[row["day"]] = row["id"]
    outcomes: list[Any] = []
    for n, recording in enumerate(batch):
        site, named = recording.site, set(recording.named)
        names = learner_names([row for row in known if row["site"] == site and row["id"] in named])
        if n in created:
            outcomes.append((names, [created[n][occurrence["date"]] for occurrence in recording.occurrences]))
        else:
            outcomes.append(InvalidData(learner_problems(recording.values, names)))
    return outcomes
