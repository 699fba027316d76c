"""Learner files: scoped reads, validated writes, duplicates, merging and anonymisation, all audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from inclusion import clock
from inclusion.audit.services import Action, record
from inclusion.errors import InvalidData
from inclusion.learners import writes
from inclusion.learners.names import display_name, normalise
from inclusion.learners.schemas import LearnerCreate, LearnerPatch
from inclusion.learners.writes import TARGET
from inclusion.scoping import Caller, one_in_scope, site_filter, site_for_new_record
from inclusion.storage import db, sql
from inclusion.storage.pagination import PageRequest, PageResult, fetch_page
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import AgeBand

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


async def create_learner(caller: Caller, data: LearnerCreate) -> dict[str, Any]:
    today = clock.today()
    site_id = site_for_new_record(caller, data.site_id, "de l'apprenant")
    values = writes.derived(msgspec.to_builtins(data, builtin_types=(date,)), today)
    confirm = values.pop("confirm_duplicate")
    values.pop("site_id")
    values["age_band"] = values.get("age_band") or AgeBand.non_communique.value
    values["first_visit_on"] = values.get("first_visit_on") or today
    if found := writes.problems(values, today):
        raise InvalidData(found)
    return as_output(await sql.transact_here(writes.create(caller, site_id, values, confirm, not db.is_sqlite())))


async def update_learner(caller: Caller, learner_id: int, patch: LearnerPatch) -> dict[str, Any]:
    today = clock.today()
    changes = writes.derived(msgspec.to_builtins(patch, builtin_types=(date,)), today)
    return as_output(await sql.transact_here(writes.update(caller, learner_id, changes, today)))


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
