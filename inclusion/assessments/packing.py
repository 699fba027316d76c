"""Each assessment's levels packed into one integer, `assessment.levels_packed`, kept by the database itself.

Four bits per competence: `level + 1` at bit `4 × slot`, 0 where the competence was not rated. A competence's
slot is the rank of its code within its framework, codes taken in the order they first appeared (the
`competence_slot` view), so every version of a framework puts a code in the same place. Triggers on
`assessment_level` rewrite the assessment's integer after every insert, update or delete, whatever wrote the
row, so the integer always equals what the levels say. The outcomes report reads these integers, one per
assessment, instead of joining eight levels per assessment (`inclusion.reports.packed`).

Slots from 15 on and levels outside 0–14 are left out of the integer: the report reads a framework with such
competences or levels from `assessment_level` itself (`fits`).
"""

from __future__ import annotations

MAX_SLOTS = 15  # 15 × 4 bits: a positive 64-bit integer
MAX_LEVEL = 14  # level + 1 fits in 4 bits, 0 meaning "not rated"

SLOT_VIEW = """
CREATE VIEW competence_slot AS
WITH firsts AS (
  SELECT v.framework AS framework, c.code AS code, MIN(c.id) AS first_id
  FROM competence c JOIN framework_version v ON v.id = c.version
  GROUP BY v.framework, c.code
)
SELECT c.id AS competence,
  (SELECT COUNT(*) FROM firsts o WHERE o.framework = f.framework AND o.first_id < f.first_id) AS slot
FROM competence c
JOIN framework_version v ON v.id = c.version
JOIN firsts f ON f.framework = v.framework AND f.code = c.code
"""


def fits(slots: list[int], levels: list[int]) -> bool:
    """Whether every slot and level of a framework is in the packed integers."""
    return all(slot < MAX_SLOTS for slot in slots) and all(0 <= level <= MAX_LEVEL for level in levels)


def packed_of(assessment: str, sqlite: bool) -> str:
    """SQL computing, from its levels, the packed integer of the assessment whose id is the expression given."""
    shifted = (
        "(CAST(l.level + 1 AS INTEGER) << (4 * s.slot))" if sqlite else "((l.level + 1)::bigint << (4 * s.slot)::int)"
    )
    total = f"COALESCE(SUM({shifted}), 0)" if sqlite else f"COALESCE(SUM({shifted}), 0)::bigint"
    return (
        f"(SELECT {total} FROM assessment_level l JOIN competence_slot s ON s.competence = l.competence"
        f" WHERE l.assessment = {assessment} AND s.slot < {MAX_SLOTS} AND l.level BETWEEN 0 AND {MAX_LEVEL})"
    )


def sqlite_statements() -> list[str]:
    """The view, a trigger per kind of write, and the integers of the assessments already there."""

    def repack(row: str) -> str:
        return (
            f"UPDATE assessment SET levels_packed = {packed_of(f'{row}.assessment', True)} WHERE id = {row}.assessment;"
        )

    return [
        SLOT_VIEW,
        f"CREATE TRIGGER assessment_level_packs_insert AFTER INSERT ON assessment_level BEGIN {repack('NEW')} END",
        "CREATE TRIGGER assessment_level_packs_update AFTER UPDATE ON assessment_level BEGIN "
        f"{repack('OLD')} {repack('NEW')} END",
        f"CREATE TRIGGER assessment_level_packs_delete AFTER DELETE ON assessment_level BEGIN {repack('OLD')} END",
        f"UPDATE assessment SET levels_packed = {packed_of('assessment.id', True)}",
    ]


def postgres_statements() -> list[str]:
    """The view, statement-level triggers (one UPDATE per statement, however many levels it wrote) and the
    integers of the assessments already there, in one pass over the levels."""
    function = """
CREATE FUNCTION assessment_level_packs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE assessment a SET levels_packed = {packed}
  WHERE a.id IN (SELECT assessment FROM changed_levels);
  RETURN NULL;
END $$"""
    statements = [SLOT_VIEW, function.format(packed=packed_of("a.id", False))]
    for event, tables in (("INSERT", "NEW TABLE AS changed_levels"), ("DELETE", "OLD TABLE AS changed_levels")):
        statements.append(
            f"CREATE TRIGGER assessment_level_packs_{event.lower()} AFTER {event} ON assessment_level"
            f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION assessment_level_packs()"
        )
    statements.append(  # an update may move a level to another assessment: both are repacked
        """
CREATE FUNCTION assessment_level_packs_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE assessment a SET levels_packed = {packed}
  WHERE a.id IN (SELECT assessment FROM old_levels UNION SELECT assessment FROM new_levels);
  RETURN NULL;
END $$""".format(packed=packed_of("a.id", False))
    )
    statements.append(
        "CREATE TRIGGER assessment_level_packs_update AFTER UPDATE ON assessment_level"
        " REFERENCING OLD TABLE AS old_levels NEW TABLE AS new_levels"
        " FOR EACH STATEMENT EXECUTE FUNCTION assessment_level_packs_moved()"
    )
    statements.append(
        f"""
UPDATE assessment a SET levels_packed = packed.value FROM (
  SELECT l.assessment, SUM((l.level + 1)::bigint << (4 * s.slot)::int)::bigint AS value
  FROM assessment_level l JOIN competence_slot s ON s.competence = l.competence
  WHERE s.slot < {MAX_SLOTS} AND l.level BETWEEN 0 AND {MAX_LEVEL}
  GROUP BY l.assessment
) packed WHERE a.id = packed.assessment"""
    )
    return statements
