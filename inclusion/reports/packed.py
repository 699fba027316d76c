"""The divide read from `assessment.levels_packed`: one row per assessment instead of one per level.

Same figures as `queries.divide`, in the same row shape, for a framework whose
slots and levels fit the packed integers (`inclusion.assessments.packing`). A learner's entry level in a
competence is the 4-bit field of the first assessment of the period that has it set, the latest level that of
the last one: MIN() and MAX() of an integer that sorts like (day, assessment id) and ends with the field.
"""

from __future__ import annotations

from typing import Any

from inclusion.reports.queries import id_list, month_of, ordered_level
from inclusion.reports.scope import ReportScope
from inclusion.storage import db, sql


def rated(name: str, joins: str, where: str, month: bool = False) -> str:
    """CTE `name`: the assessments `joins` (naming them `a`) and `where` keep, with `p`, their packed levels, and
    `k`, an integer that sorts like (day, id), times 16 (computed once a row); with `month` (AAAA-MM) if asked."""
    materialized = "MATERIALIZED " if db.is_sqlite() else ""  # else SQLite computes k once per use
    extra = f"{month_of('a.assessed_on')} AS month, " if month else ""
    return f"""{name} AS {materialized}(
  SELECT a.site AS site, a.learner AS learner, {extra}a.levels_packed AS p,
    {ordered_level("a.assessed_on", "a.id", "0")} AS k
  FROM {joins} WHERE {where}
)"""


def _field(slot: int) -> str:
    return f"((p >> {4 * int(slot)}) & 15)"


def first_level(slot: int) -> str:
    """Aggregate over `rated` rows: the slot's field (level + 1) in the first row that has it set, else 0."""
    return f"MIN(CASE WHEN {_field(slot)} > 0 THEN k + {_field(slot)} END) % 16"


def last_level(slot: int) -> str:
    """Aggregate over `rated` rows: the slot's field (level + 1) in the last row that has it set, else 0."""
    return f"MAX(CASE WHEN {_field(slot)} > 0 THEN k + {_field(slot)} END) % 16"


def count_where(condition: str) -> str:
    """Rows meeting `condition`: a filter skips the others' rows, where SUM(CASE …) adds a zero for each
    (largest site's divide on PostgreSQL: 144 → 124 ms)."""
    return f"COUNT(*) FILTER (WHERE {condition})"


async def divide(
    scope: ReportScope,
    version_ids: list[int],
    slots: dict[str, int],
    socle_codes: set[str],
    levels: list[int],
    autonomous: int,
    learners: tuple[str, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    """`queries.divide`'s rows (with `code` on competence rows) for the competences `slots` maps, by code; of the
    learners only that `learners` (SQL on `a` and its arguments) keeps, if given."""
    where, args = scope.clause("a.site", "a.assessed_on")
    if learners is not None:
        where, args = f"({where}) AND ({learners[0]})", [*args, *learners[1]]
    codes = sorted(slots, key=slots.get)
    below = f"BETWEEN 1 AND {int(autonomous)}"  # a field is level + 1: below autonome means field ≤ autonome
    outer = []
    for index, code in enumerate(codes):
        entry, latest = f"e{slots[code]}", f"l{slots[code]}"
        counts = [f"{entry} = {int(level) + 1}" for level in levels] + [
            f"{latest} = {int(level) + 1}" for level in levels
        ]
        counts += [f"{entry} {below}", f"{entry} {below} AND {latest} > {int(autonomous)}"]
        outer += [f"{count_where(condition)} AS c{index}_{i}" for i, condition in enumerate(counts)]
    socle = [slots[code] for code in codes if code in socle_codes]
    fragile_entry = " OR ".join(f"e{slot} {below}" for slot in socle) or "1 = 0"
    fragile_latest = " OR ".join(f"l{slot} {below}" for slot in socle) or "1 = 0"
    outer += [
        f"{count_where(' OR '.join(f'e{slot} > 0' for slot in socle) or '1 = 0')} AS f0",
        f"{count_where(fragile_entry)} AS f1",
        f"{count_where(fragile_latest)} AS f2",
        f"{count_where('fk < lk')} AS p0",
        f"{count_where(f'fk < lk AND ({fragile_entry})')} AS p1",
        f"{count_where(f'fk < lk AND ({fragile_latest})')} AS p2",
    ]
    rated_socle = " OR ".join(f"{_field(slot)} > 0" for slot in socle) or "1 = 0"
    per_learner = ", ".join(
        [f"{first_level(slot)} AS e{slot}, {last_level(slot)} AS l{slot}" for slot in sorted(slots.values())]
        + [f"MIN(CASE WHEN {rated_socle} THEN k END) AS fk", f"MAX(CASE WHEN {rated_socle} THEN k END) AS lk"]
    )
    kept = f"a.version IN ({id_list(version_ids)}) AND a.levels_packed <> 0 AND {where}"
    rows = await sql.fetch(
        f"""
WITH {rated("rated", "assessment a", kept)},
learners AS (SELECT site, {per_learner} FROM rated GROUP BY site, learner)
SELECT site, {", ".join(outer)} FROM learners GROUP BY site""",
        *args,
    )
    width = 2 * len(levels) + 2
    found = []
    for row in rows:
        fragility = [row["f0"] or 0, row["f1"] or 0, row["f2"] or 0] + [0] * (width - 3)
        paired = {f"p{i}": row[f"p{i}"] or 0 for i in range(3)}
        found.append({"kind": "fragility", "site": row["site"], "competence": 0, "code": ""} | paired
                     | {f"n{i}": value for i, value in enumerate(fragility)})  # fmt: skip
        for index, code in enumerate(codes):
            counts = {f"n{i}": row[f"c{index}_{i}"] or 0 for i in range(width)}
            found.append({"kind": "competence", "site": row["site"], "competence": 0, "code": code} | counts)
    return found
