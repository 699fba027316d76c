"""Learner files: scoped reads, validated writes, duplicates, merging and anonymisation, all audited."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import msgspec

from inclusion import clock
from inclusion.audit.services import Action, record
from inclusion.clock import now
from inclusion.errors import Conflict, InvalidData
from inclusion.learners.names import display_name, name_key, normalise, search_key
from inclusion.learners.schemas import LearnerCreate, LearnerPatch
from inclusion.scoping import Caller, one_in_scope, site_filter, site_for_new_record
from inclusion.sites.validation import is_insee_code
from inclusion.storage import db, sql
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import AgeBand, age_band_for

TARGET = "learner"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d .-]{6,20}$")
COLUMNS = tuple(column for column in Learner._meta.columns if column._meta.name not in ("name_key", "search_key"))
PERSONAL_FIELDS = ("first_name", "last_name", "pseudonym", "phone", "email", "notes")


def as_output(row: dict[str, Any]) -> dict[str, Any]:
    anonymised = row["anonymised_at"] is not None
    return {
        **row,
        "site_id": row["site"],
        "merged_into_id": row["merged_into"],
        "anonymised": anonymised,
        "display_name": display_name(row["first_name"], row["last_name"], row["pseudonym"], anonymised),
    }


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


def _derived(values: dict[str, Any], today: date) -> dict[str, Any]:
    values = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
    if values.get("birth_year") is not None:
        values["age_band"] = age_band_for(values["birth_year"], today.year).value
    if "insee_code" in values:
        values["insee_code"] = values["insee_code"].upper()
    return values


def _keys(values: dict[str, Any]) -> dict[str, str]:
    return {
        "name_key": name_key(values["first_name"], values["last_name"]),
        "search_key": search_key(values["first_name"], values["last_name"], values["pseudonym"]),
    }


async def fetch_learner(caller: Caller, learner_id: int) -> dict[str, Any]:
    """The file's row, unaudited (callers that show it to a person audit the view)."""
    query = Learner.select(*COLUMNS).where(Learner.id == learner_id)
    return await one_in_scope(query, caller, Learner.site, "Apprenant introuvable.")


async def get_learner(caller: Caller, learner_id: int) -> dict[str, Any]:
    """Read one file; the read is audited."""
    row = await fetch_learner(caller, learner_id)
    await record(caller, Action.view, TARGET, learner_id, row["site"])
    return as_output(row)


async def list_learners(
    caller: Caller,
    page: PageRequest,
    query: str = "",
    site_id: int | None = None,
    filters: dict[str, Any] | None = None,
    include_anonymised: bool = False,
) -> PageResult:
    clauses: list[Any] = [Learner.merged_into.is_null()]
    if (clause := site_filter(caller, Learner.site)) is not None:
        clauses.append(clause)
    if not include_anonymised:
        clauses.append(Learner.anonymised_at.is_null())
    if site_id is not None:
        clauses.append(Learner.site == site_id)
    if query and normalise(query):
        clauses.append(db.contains(Learner.search_key, normalise(query)))
    for field, value in (filters or {}).items():
        clauses.append(getattr(Learner, field) == value)
    result = await fetch_page(Learner, COLUMNS, clauses, [Learner.last_name, Learner.first_name, Learner.id], page)
    return PageResult([as_output(row) for row in result.rows], result.total, result.page, result.per_page)


async def find_duplicate(site_id: int, values: dict[str, Any], except_id: int | None = None) -> dict | None:
    key = name_key(values.get("first_name", ""), values.get("last_name", ""))
    if not key.strip():
        return None
    year = values.get("birth_year")
    query = Learner.select(Learner.id, Learner.first_name, Learner.last_name, Learner.birth_year).where(
        Learner.site == site_id,
        Learner.name_key == key,
        Learner.birth_year.is_null() if year is None else Learner.birth_year == year,
        Learner.anonymised_at.is_null(),
        Learner.merged_into.is_null(),
    )
    if except_id is not None:
        query = query.where(Learner.id != except_id)
    return await query.first().run()


def _duplicate_error(existing: dict[str, Any]) -> Conflict:
    born = f" (né·e en {existing['birth_year']})" if existing["birth_year"] else ""
    return Conflict(
        f"Une fiche existe déjà pour « {existing['first_name']} {existing['last_name']} »{born} sur ce site. "
        "Pour créer quand même une nouvelle fiche, confirmez (confirm_duplicate).",
        {"existing_learner": f"/learners/{existing['id']}"},
    )


async def create_learner(caller: Caller, data: LearnerCreate) -> dict[str, Any]:
    today = clock.today()
    site_id = site_for_new_record(caller, data.site_id, "de l'apprenant")
    values = _derived(msgspec.to_builtins(data, builtin_types=(date,)), today)
    confirm = values.pop("confirm_duplicate")
    values.pop("site_id")
    values["age_band"] = values.get("age_band") or AgeBand.non_communique.value
    values["first_visit_on"] = values.get("first_visit_on") or today
    if found := problems(values, today):
        raise InvalidData(found)
    async with db.write_transaction():
        if not confirm and (existing := await find_duplicate(site_id, values)):
            raise _duplicate_error(existing)
        learner = Learner(
            **values,
            **_keys(values),
            site=site_id,
            last_contact_on=values["first_visit_on"],
            created_by=caller.user_id,
        )
        await learner.save().run()
        await record(caller, Action.create, TARGET, learner.id, site_id)
    return as_output(await fetch_learner(caller, learner.id))


async def update_learner(caller: Caller, learner_id: int, patch: LearnerPatch) -> dict[str, Any]:
    today = clock.today()
    current = await fetch_learner(caller, learner_id)
    if current["anonymised_at"] is not None:
        raise Conflict("Cette fiche est anonymisée : elle ne peut plus être modifiée.")
    changes = _derived(msgspec.to_builtins(patch, builtin_types=(date,)), today)
    merged = {**current, **changes}
    if found := problems(merged, today):
        raise InvalidData({field: message for field, message in found.items()})
    if changes:
        async with db.write_transaction():
            await (
                Learner.update({**changes, **_keys(merged), "updated_at": now()}).where(Learner.id == learner_id).run()
            )
            await record(caller, Action.update, TARGET, learner_id, current["site"], {"fields": sorted(changes)})
    return as_output(await fetch_learner(caller, learner_id))


def contact_statement(learner_ids: list[int], on: date) -> tuple[str, list[Any]]:
    """Move each file's last-contact date forward to `on`, never back (ids must not be empty)."""
    wanted = sorted(set(learner_ids))
    statement = "UPDATE learner SET last_contact_on = {} WHERE last_contact_on < {} AND id IN (%s)"
    return statement % sql.marks(len(wanted)), [on, on, *wanted]


async def record_contact(learner_ids: list[int], on: date) -> None:
    """Later activity or assessment: move each file's last-contact date forward, never back."""
    if learner_ids:
        statement, args = contact_statement(learner_ids, on)
        await sql.fetch(statement, *args)


async def names_of(caller: Caller, learner_ids: list[int]) -> dict[int, str]:
    """Display names of these learners, for those the caller may see."""
    query = Learner.select(Learner.id, Learner.first_name, Learner.last_name, Learner.pseudonym, Learner.anonymised_at)
    query = query.where(Learner.id.is_in(sorted(set(learner_ids)) or [0]))
    if (clause := site_filter(caller, Learner.site)) is not None:
        query = query.where(clause)
    return {
        row["id"]: display_name(row["first_name"], row["last_name"], row["pseudonym"], row["anonymised_at"] is not None)
        for row in await query.run()
    }
