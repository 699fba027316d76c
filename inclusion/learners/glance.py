"""Learners at a glance: when each was last at an activity, where they stand on the socle, who is due for a
reassessment.

- *Last activity*: the latest day, today or before, of a session they had or of a workshop they attended (present).
  Workshops repeated weekly are recorded ahead: a future week is not a contact.
- *Socle*: read as the outcomes report reads fragility (`inclusion.reports.divide`, DESIGN §4): the socle
  competences are those of the default framework's current version marked socle, matched by code in every
  version; each one's latest rating across the learner's assessments counts. Fragile when one is below
  `autonome`, autonomous when every one rated is, not assessed when none is rated.
- *Due for a reassessment*: assessed, and either last assessed more than `INCLUSION_REASSESS_AFTER_DAYS` ago or
  fragile on the socle; listed most recently seen first (`last_contact_on`): those an adviser will meet soonest.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from inclusion.frameworks.builtin import AUTONOMOUS_LEVEL
from inclusion.learners.names import display_name
from inclusion.reports.queries import ordered_level
from inclusion.scoping import Caller
from inclusion.storage import sql

FRAGILE = "fragile"
AUTONOMOUS = "autonome_socle"
NOT_ASSESSED = "non_evalue"
SOCLE_LABELS = {
    FRAGILE: "Socle à consolider",
    AUTONOMOUS: "Autonome sur le socle",
    NOT_ASSESSED: "Pas encore évalué·e",
}

_SOCLE_CODE = """socle_code AS MATERIALIZED (
  SELECT c.id AS id, c.code AS code
  FROM competence c JOIN framework_version v ON v.id = c.version JOIN framework f ON f.id = v.framework
  WHERE f.is_default = {} AND c.code IN (
    SELECT cc.code FROM competence cc JOIN framework_version cv ON cv.id = cc.version
    WHERE cv.framework = f.id AND cv.is_current = {} AND cc.socle = {}
  )
)"""
_SOCLE_ARGS = (True, True, True)


def _socle_last(learners: str) -> str:
    """CTE `socle_last (learner, level)`: each socle competence's latest level, for the assessments of the
    learners that the SQL `learners` (a condition on `a.learner`) keeps."""
    ordered = ordered_level("a.assessed_on", "a.id", "lv.level")
    return f"""socle_last AS (
  SELECT a.learner AS learner, MAX({ordered}) % 16 AS level
  FROM assessment a JOIN assessment_level lv ON lv.assessment = a.id JOIN socle_code s ON s.id = lv.competence
  WHERE {learners}
  GROUP BY a.learner, s.code
)"""


def _fragile_by_learner() -> str:
    return (
        f"SELECT learner, MAX(CASE WHEN level < {int(AUTONOMOUS_LEVEL)} THEN 1 ELSE 0 END) AS fragile "
        "FROM socle_last GROUP BY learner"
    )


def socle_status(fragile: int | None) -> str:
    if fragile is None:
        return NOT_ASSESSED
    return FRAGILE if fragile else AUTONOMOUS


def as_day(value: Any) -> date | None:
    """A date read by hand SQL (SQLite gives an aggregate's date as text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def sites_clause(caller: Caller, column: str) -> str:
    """SQL keeping the caller's sites (ids are integers: written inline); every site for an admin."""
    if caller.is_admin:
        return "1 = 1"
    return f"{column} IN ({', '.join(str(int(site)) for site in sorted(caller.site_ids)) or '0'})"


async def at_a_glance(learner_ids: list[int], today: date) -> dict[int, dict[str, Any]]:
    """For these learners (a page of a list already scoped), in one query: `last_activity_on` (or None) and
    `socle` (FRAGILE, AUTONOMOUS or NOT_ASSESSED)."""
    ids = sorted(set(learner_ids))
    if not ids:
        return {}
    marks = sql.marks(len(ids))
    rows = await sql.fetch(
        f"""
WITH {_SOCLE_CODE}, {_socle_last(f"a.learner IN ({marks})")}, socle AS ({_fragile_by_learner()})
SELECT l.id AS id,
  (SELECT MAX(x.date) FROM activity x WHERE x.learner = l.id AND x.date <= {{}}) AS last_session,
  (SELECT MAX(x.date) FROM activity_participant p JOIN activity x ON x.id = p.activity
   WHERE p.learner = l.id AND p.present = {{}} AND x.date <= {{}}) AS last_workshop,
  (SELECT s.fragile FROM socle s WHERE s.learner = l.id) AS fragile
FROM learner l WHERE l.id IN ({marks})""",
        *_SOCLE_ARGS,
        *ids,
        today,
        True,
        today,
        *ids,
    )
    found = {}
    for row in rows:
        seen = [day for day in (as_day(row["last_session"]), as_day(row["last_workshop"])) if day is not None]
        found[row["id"]] = {"last_activity_on": max(seen, default=None), "socle": socle_status(row["fragile"])}
    return found


FIRST_BATCH, LAST_BATCH = 200, 5000  # learners read per statement while looking for those due


def _batch_statement(caller: Caller, after: tuple[date, int] | None) -> tuple[str, list[Any]]:
    """The next assessed learners of the caller's sites, most recently seen first (after the keyset `after`), each
    with their last assessment's day and whether they are fragile on the socle: one statement."""
    keyset, args = "", []
    if after is not None:
        keyset = "AND (l.last_contact_on < {} OR (l.last_contact_on = {} AND l.id < {}))"
        args = [after[0], after[0], after[1]]
    statement = f"""
WITH candidate AS (
  SELECT l.id, l.site, l.first_name, l.last_name, l.pseudonym, l.last_contact_on FROM learner l
  WHERE {sites_clause(caller, "l.site")} AND l.anonymised_at IS NULL AND l.merged_into IS NULL {keyset}
    AND EXISTS (SELECT 1 FROM assessment a WHERE a.learner = l.id)
  ORDER BY l.last_contact_on DESC, l.id DESC LIMIT {{}}
), {_SOCLE_CODE}, {_socle_last("a.learner IN (SELECT id FROM candidate)")}, socle AS ({_fragile_by_learner()})
SELECT c.id, c.site, c.first_name, c.last_name, c.pseudonym, c.last_contact_on,
  (SELECT MAX(a.assessed_on) FROM assessment a WHERE a.learner = c.id) AS last_on,
  (SELECT s.fragile FROM socle s WHERE s.learner = c.id) AS fragile
FROM candidate c ORDER BY c.last_contact_on DESC, c.id DESC"""
    return statement, args


def cursor_of(learner: dict[str, Any]) -> str:
    """Where the next page of the due list starts, as the page's link says it: "2026-11-30.1234"."""
    return f"{learner['last_contact_on'].isoformat()}.{learner['id']}"


def parse_cursor(raw: str) -> tuple[date, int] | None:
    day, _, learner = raw.partition(".")
    try:
        return date.fromisoformat(day), int(learner)
    except ValueError:
        return None


async def due_for_assessment(
    caller: Caller, today: date, after_days: int, limit: int, after: tuple[date, int] | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """The caller's learners due for a reassessment, most recently seen first (after the keyset `after`), at most
    `limit`, and whether more follow. The learners are read most recent first, a batch per statement (larger each
    time), until `limit` + 1 are found: at a site where most are due, one statement; never a count of them all,
    which a network of a million files could not give in the time of a home page."""
    cutoff = today - timedelta(days=after_days)
    found: list[dict[str, Any]] = []
    batch = FIRST_BATCH
    while len(found) <= limit:
        statement, args = _batch_statement(caller, after)
        rows = await sql.fetch(statement, *args, batch, *_SOCLE_ARGS)
        for row in rows:
            last_on = as_day(row["last_on"])
            if last_on is None or not (last_on < cutoff or row["fragile"] == 1):
                continue
            found.append(
                {
                    "id": row["id"],
                    "site_id": row["site"],
                    "display_name": display_name(row["first_name"], row["last_name"], row["pseudonym"]),
                    "last_contact_on": as_day(row["last_contact_on"]),
                    "last_assessed_on": last_on,
                    "overdue": last_on < cutoff,
                    "socle": socle_status(row["fragile"]),
                }
            )
        if len(rows) < batch:
            break
        after = (as_day(rows[-1]["last_contact_on"]), rows[-1]["id"])
        batch = min(batch * 5, LAST_BATCH)
    return found[:limit], len(found) > limit


async def with_glance(rows: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """A page of learner rows with `last_activity_on` and `fragility` (FRAGILE, AUTONOMOUS or NOT_ASSESSED)."""
    found = await at_a_glance([row["id"] for row in rows], today)
    for row in rows:
        seen = found.get(row["id"], {})
        row["last_activity_on"] = seen.get("last_activity_on")
        row["fragility"] = seen.get("socle", NOT_ASSESSED)
    return rows


def ago(day: date, today: date) -> str:
    """ "aujourd'hui", "hier", "il y a 3 jours", "il y a 2 semaines", then the date: how long since a contact."""
    days = (today - day).days
    if days <= 0:
        return "aujourd'hui" if days == 0 else day.strftime("le %d/%m/%Y")
    if days == 1:
        return "hier"
    if days < 14:
        return f"il y a {days} jours"
    if days < 56:
        return f"il y a {days // 7} semaines"
    return day.strftime("le %d/%m/%Y")
