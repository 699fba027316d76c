"""Finding a learner by a few letters of the name, as the learner picker asks while someone types.

Accents, case, hyphens and apostrophes do not matter ("sene" finds Sénéchal, "DUP" finds Dupont), and each
word typed must appear ("marie dup"). Files whose last name starts with what was typed come first, then those
with another word starting so (a first name), then those that merely contain it: after two or three letters
the first suggestion is the person meant.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from inclusion.learners.names import display_name, normalise
from inclusion.scoping import Caller, site_filter
from inclusion.storage import db
from inclusion.storage.tables.learners import Learner

LIMIT = 8
WIDER = 60  # the files whose words start with the text, ranked before the first LIMIT are kept
_COLUMNS = (Learner.id, Learner.first_name, Learner.last_name, Learner.pseudonym, Learner.birth_year)
_ORDER = (Learner.last_name, Learner.first_name, Learner.id)


def words(text: str) -> list[str]:
    """The normalised words of a query, without the LIKE wildcards."""
    return normalise(text.replace("%", " ").replace("_", " ").replace("\\", " ")).split()


async def search_learners(
    caller: Caller, text: str, limit: int = LIMIT, exclude: Collection[int] = ()
) -> list[dict[str, Any]]:
    """Live files of the caller's sites matching every word of `text`: `limit` at most, best first."""
    typed = words(text)
    if not typed:
        return []
    scope: list[Any] = [Learner.merged_into.is_null(), Learner.anonymised_at.is_null()]
    if (clause := site_filter(caller, Learner.site)) is not None:
        scope.append(clause)
    if exclude:
        scope.append(Learner.id.not_in(sorted(exclude)))
    starting = [Learner.search_key.like(f"{word}%") | Learner.search_key.like(f"% {word}%") for word in typed]
    found = await _rows([*scope, *starting], WIDER)
    found.sort(key=lambda row: not normalise(row["last_name"]).startswith(tuple(typed)))  # stable: still by name
    found = found[:limit]
    if len(found) < limit:
        containing = [db.contains(Learner.search_key, word) for word in typed]
        known = {row["id"] for row in found}
        more = await _rows([*scope, *containing], limit + len(found))
        found += [row for row in more if row["id"] not in known][: limit - len(found)]
    return [suggestion(row) for row in found]


async def _rows(clauses: list[Any], limit: int) -> list[dict[str, Any]]:
    return await Learner.select(*_COLUMNS).where(*clauses).order_by(*_ORDER).limit(limit).run()


def suggestion(row: dict[str, Any]) -> dict[str, Any]:
    """What a suggestion shows: the name, and the birth year that tells two namesakes apart."""
    detail = f"né·e en {row['birth_year']}" if row.get("birth_year") else ""
    return {
        "id": row["id"],
        "name": display_name(row["first_name"], row["last_name"], row["pseudonym"]),
        "detail": detail,
    }
