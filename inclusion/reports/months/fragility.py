"""The monthly fragility trend (DESIGN §4) as SQL: per site and month, learners with a socle competence of the
default framework rated that month, and those below autonome in one of them by its last rating of the month.

`months` stores these figures with each whole month's activity figures, under `key(framework)`, and computes
them from the assessments for edge days and changed months. Both paths of the divide are here: the packed
integers (`assessment.levels_packed`, one row per assessment) and every level (`assessment_level`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from inclusion.frameworks.builtin import AUTONOMOUS_LEVEL
from inclusion.reports import packed
from inclusion.reports.queries import id_list, month_of, ordered_level, same_competence

MONTH_FIGURES = 3
"""Raise it when the stored month figures count differently (2: activities by duration, device and place; 3: an
activity counted once for each of its devices, and sessions by partner and month):
figures stored under the former key are then computed again."""


def key(framework: dict[str, Any] | None) -> str:
    """What stored figures depend on besides the assessments (the framework's versions, socle competences and
    slots): figures stored under another key are never read, so changing the framework recomputes them."""
    if framework is None:
        return f"-{MONTH_FIGURES}"
    parts = (
        MONTH_FIGURES,
        framework["version_ids"],
        sorted(framework["socle_ids"]),
        sorted(framework["same_code"].items()),
        framework["packed"] and sorted(framework["slots"][code] for code in framework["socle_codes"]),
        AUTONOMOUS_LEVEL,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def ctes(framework: dict[str, Any] | None, joins: str, where: str) -> str:
    """CTEs ending with `fragility (site, month, assessed, fragile)`, counting the assessments that `joins` (a
    FROM clause naming them `a`) and `where` keep; the placeholders are `where`'s."""
    if framework is None:  # no trend, but the same placeholders
        empty = f"SELECT a.site AS site, '' AS month, 0 AS assessed, 0 AS fragile FROM {joins} WHERE ({where})"
        return f"fragility AS ({empty} AND 1 = 0)"
    if framework["packed"]:
        return _packed(framework, joins, where)
    return _levels(framework, joins, where)


def _packed(framework: dict[str, Any], joins: str, where: str) -> str:
    socle = sorted(framework["slots"][code] for code in framework["socle_codes"])
    mask = sum(15 << (4 * int(slot)) for slot in socle)
    last = ", ".join(f"{packed.last_level(slot)} AS l{slot}" for slot in socle)
    fragile = " OR ".join(f"l{slot} BETWEEN 1 AND {int(AUTONOMOUS_LEVEL)}" for slot in socle) or "1 = 0"
    kept = f"({where}) AND a.version IN ({id_list(framework['version_ids'])}) AND (a.levels_packed & {mask}) <> 0"
    return f"""{packed.rated("fragility_rated", joins, kept, month=True)}, fragility_learners AS (
  SELECT site, month, {last or "0 AS none"} FROM fragility_rated GROUP BY site, learner, month
), fragility AS (
  SELECT site, month, COUNT(*) AS assessed, {packed.count_where(fragile)} AS fragile
  FROM fragility_learners GROUP BY site, month
)"""


def _levels(framework: dict[str, Any], joins: str, where: str) -> str:
    ordered = ordered_level("a.assessed_on", "a.id", "l.level")
    competence = same_competence("l.competence", framework["same_code"])
    month = month_of("a.assessed_on")
    return f"""fragility_last AS (
  SELECT a.site AS site, a.learner AS learner, {month} AS month, MAX({ordered}) % 16 AS level
  FROM {joins} JOIN assessment_level l ON l.assessment = a.id
  WHERE ({where}) AND a.version IN ({id_list(framework["version_ids"])})
    AND l.competence IN ({id_list(framework["socle_ids"])})
  GROUP BY a.site, a.learner, {month}, {competence}
), fragility_learners AS (
  SELECT site, learner, month, MAX(CASE WHEN level < {int(AUTONOMOUS_LEVEL)} THEN 1 ELSE 0 END) AS fragile
  FROM fragility_last GROUP BY site, learner, month
), fragility AS (
  SELECT site, month, COUNT(*) AS assessed, SUM(fragile) AS fragile FROM fragility_learners GROUP BY site, month
)"""
