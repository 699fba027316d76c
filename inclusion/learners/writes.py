"""Writing learner files: what makes a file valid, and the statement plans that create and change one.

Each write is one plan (`storage.sql.transact_here`): the reads that decide (the duplicate looked for, the file as
it stands) happen inside it, a refusal raised there rolls everything back, and the answer is the row the write
returns. On SQLite the plan runs in one go, so no other write waits while a request's statements go back and forth
through the event loop; on PostgreSQL it runs statement by statement in one transaction, where creations that look
for the same name at the same site queue on an advisory lock (PostgreSQL has no write lock to queue them): of two
files sent at once for one person, one is created and the other answers 409, as on SQLite.
"""

from __future__ import annotations

import re
import zlib
from datetime import date
from typing import Any

from inclusion.audit.services import Action, entry_statement
from inclusion.clock import now
from inclusion.errors import Conflict, InvalidData, NotFound
from inclusion.learners.names import name_key, search_key
from inclusion.scoping import Caller, site_sql
from inclusion.sites.validation import is_insee_code
from inclusion.storage import sql
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import age_band_for

TARGET = "learner"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d .-]{6,20}$")
OUTPUT = ", ".join(
    f'"{column._meta.db_column_name}"'
    for column in Learner._meta.columns
    if column._meta.name not in ("name_key", "search_key")
)
"""The columns a file is read with (`services.COLUMNS`), as a RETURNING or SELECT list."""
SAME_NAME_LOCK = 7_302_001
"""PostgreSQL: first key of the advisory locks taken by creations that look for a duplicate (the second: the site
and the name)."""
_DUPLICATE = (
    "SELECT id, first_name, last_name, birth_year FROM learner WHERE site = {} AND name_key = {}"
    " AND anonymised_at IS NULL AND merged_into IS NULL"
)


def problems(values: dict[str, Any], today: date) -> dict[str, str]:
    found: dict[str, str] = {}
    if (
        not (values.get("first_name", "").strip() and values.get("last_name", "").strip())
        and not values.get("pseudonym", "").strip()
    ):
        found["last_name"] = "Indiquez le prénom et le nom, ou seulement un pseudonyme."
    if (year := values.get("birth_year")) is not None and year > today.year:
        found["birth_year"] = "L'année de naissance ne peut pas être dans le futur."
    if values.get("insee_code") and not is_insee_code(values["insee_code"]):
        found["insee_code"] = "Code INSEE invalide : 5 caractères, par exemple 62667 ou 2A004."
    if values.get("email") and not EMAIL.match(values["email"]):
        found["email"] = "Adresse électronique invalide."
    if values.get("phone") and not PHONE.match(values["phone"]):
        found["phone"] = "Numéro de téléphone invalide."
    for field in ("first_visit_on", "consent_on"):
        if values.get(field) and values[field] > today:
            found[field] = "La date ne peut pas être dans le futur."
    return found


def derived(values: dict[str, Any], today: date) -> dict[str, Any]:
    values = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
    if values.get("birth_year") is not None:
        values["age_band"] = age_band_for(values["birth_year"], today.year).value
    if "insee_code" in values:
        values["insee_code"] = values["insee_code"].upper()
    return values


def keys(values: dict[str, Any]) -> dict[str, str]:
    return {
        "name_key": name_key(values["first_name"], values["last_name"]),
        "search_key": search_key(values["first_name"], values["last_name"], values["pseudonym"]),
    }


def duplicate_error(existing: dict[str, Any]) -> Conflict:
    born = f" (né·e en {existing['birth_year']})" if existing["birth_year"] else ""
    return Conflict(
        f"Une fiche existe déjà pour « {existing['first_name']} {existing['last_name']} »{born} sur ce site. "
        "Pour créer quand même une nouvelle fiche, confirmez (confirm_duplicate).",
        {"existing_learner": f"/learners/{existing['id']}"},
    )


def create(
    caller: Caller, site_id: int, values: dict[str, Any], confirm: bool, postgres: bool
) -> sql.Plan[dict[str, Any]]:
    """The new file's row; Conflict (nothing written) when a live file of the site has the same name and birth year,
    unless `confirm`."""
    key = name_key(values.get("first_name", ""), values.get("last_name", ""))
    if not confirm and key.strip():
        if postgres:  # held until the commit: a creation of the same name waits, then sees this one
            yield "SELECT pg_advisory_xact_lock({}, {})", [SAME_NAME_LOCK, _lock_key(site_id, key)]
        year = values.get("birth_year")
        born = " AND birth_year IS NULL" if year is None else " AND birth_year = {}"
        rows = yield _DUPLICATE + born + " ORDER BY id LIMIT 1", [site_id, key, *([] if year is None else [year])]
        if rows:
            raise duplicate_error(rows[0])
    stamp = now()
    row = {
        **values,
        **keys(values),
        "site": site_id,
        "last_contact_on": values["first_visit_on"],
        "anonymised_at": None,
        "merged_into": None,
        "created_by": caller.user_id,
        "created_at": stamp,
        "updated_at": stamp,
    }
    created = yield sql.insert_statement("learner", row, returning=OUTPUT)
    yield entry_statement(caller, Action.create, TARGET, created[0]["id"], site_id)
    return created[0]


def update(caller: Caller, learner_id: int, changes: dict[str, Any], today: date) -> sql.Plan[dict[str, Any]]:
    """The file's row once `changes` (derived already) are made; NotFound outside the caller's sites, Conflict for
    an anonymised file, InvalidData for a change that would make the file invalid: nothing written then."""
    scope, scope_args = site_sql(caller, "site")
    rows = yield f"SELECT {OUTPUT} FROM learner WHERE id = {{}}{scope}", [learner_id, *scope_args]
    if not rows:
        raise NotFound("Apprenant introuvable.")
    current = rows[0]
    if current["anonymised_at"] is not None:
        raise Conflict("Cette fiche est anonymisée : elle ne peut plus être modifiée.")
    merged = {**current, **changes}
    if found := problems(merged, today):
        raise InvalidData(found)
    if not changes:
        return current
    values = {**changes, **keys(merged), "updated_at": now()}
    updated = yield sql.update_statement("learner", values, "id = {}", learner_id, returning=OUTPUT)
    yield entry_statement(caller, Action.update, TARGET, learner_id, current["site"], {"fields": sorted(changes)})
    return updated[0]


def _lock_key(site_id: int, key: str) -> int:
    """A signed 32-bit number for the site and the name (two names may share one: they then queue together)."""
    number = zlib.crc32(f"{site_id}:{key}".encode())
    return number - 2**32 if number >= 2**31 else number
