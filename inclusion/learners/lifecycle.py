"""Merging two files of one person, and anonymising a file for good."""

from __future__ import annotations

from typing import Any

from piccolo.columns import ForeignKey

from inclusion.audit.services import Action, record
from inclusion.certificates.erasure import erase_for_learner
from inclusion.clock import now
from inclusion.errors import Conflict, InvalidData
from inclusion.learners.services import PERSONAL_FIELDS, TARGET, as_output, fetch_learner
from inclusion.scoping import Caller
from inclusion.storage import db
from inclusion.storage.tables.activities import ActivityParticipant
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.reports import ReportMonthLearner

ERASED = {field: "" for field in PERSONAL_FIELDS} | {
    "name_key": "",
    "search_key": "",
    "birth_year": None,
    "consent_on": None,
}


def learner_references() -> list[ForeignKey]:
    """Every column of every table that points at a learner (assessments, activities, vouchers…)."""
    return [column for column in Learner._meta.foreign_key_references if column is not Learner.merged_into]


async def merge(caller: Caller, keep_id: int, duplicate_id: int) -> dict[str, Any]:
    """Fold `duplicate_id` into `keep_id`: its records move over, its empty gaps fill the kept file."""
    keep = await fetch_learner(caller, keep_id)
    if keep_id == duplicate_id:
        raise InvalidData({"duplicate_id": "Une fiche ne peut pas être fusionnée avec elle-même."})
    duplicate = await fetch_learner(caller, duplicate_id)
    if keep["site"] != duplicate["site"]:
        raise InvalidData({"duplicate_id": "Les deux fiches doivent appartenir au même site."})
    if any(row["anonymised_at"] or row["merged_into"] for row in (keep, duplicate)):
        raise Conflict("Une fiche anonymisée ou déjà fusionnée ne peut pas être fusionnée.")
    filled = {field: duplicate[field] for field in keep if not keep[field] and duplicate[field] and field in _FILLABLE}
    async with db.write_transaction():
        both = ActivityParticipant.select(ActivityParticipant.activity).where(ActivityParticipant.learner == keep_id)
        await (
            ActivityParticipant.delete()
            .where(  # a workshop both files attended keeps one participation
                ActivityParticipant.learner == duplicate_id, ActivityParticipant.activity.is_in(both)
            )
            .run()
        )
        # The duplicate's learners stored with the report's months (`report_month_learner`) are stale: its
        # activities move below, which counts a change to each of their months. Moved, they would collide with
        # the kept file's rows of the same months.
        await ReportMonthLearner.delete().where(ReportMonthLearner.learner == duplicate_id).run()
        for column in learner_references():
            table = column._meta.table
            await table.update({column: keep_id}).where(column == duplicate_id).run()
        await (
            Learner.update(
                {
                    **filled,
                    "first_visit_on": min(keep["first_visit_on"], duplicate["first_visit_on"]),
                    "last_contact_on": max(keep["last_contact_on"], duplicate["last_contact_on"]),
                    "updated_at": now(),
                }
            )
            .where(Learner.id == keep_id)
            .run()
        )
        await (
            Learner.update({**ERASED, "merged_into": keep_id, "updated_at": now()})
            .where(Learner.id == duplicate_id)
            .run()
        )
        await record(caller, Action.merge, TARGET, keep_id, keep["site"], {"merged": duplicate_id})
    return as_output(await fetch_learner(caller, keep_id))


_FILLABLE = {"birth_year", "insee_code", "phone", "email", "consent_on", "pseudonym", "notes"}


async def anonymise(caller: Caller | None, learner_id: int, site_id: int, reason: str = "demande") -> bool:
    """Erase names, contacts, notes and birth year; keep age band, gender, status and every record. A file
    already anonymised (by another worker's daily purge a moment before) is left as it is, and audited once.
    Say whether this call anonymised it."""
    async with db.write_transaction():
        erased = await (
            Learner.update({**ERASED, "anonymised_at": now(), "updated_at": now()})
            .where(Learner.id == learner_id, Learner.anonymised_at.is_null())
            .returning(Learner.id)
            .run()
        )
        if not erased:
            return False
        await erase_for_learner(learner_id)  # the name printed on certificates goes too
        await record(caller, Action.anonymise, TARGET, learner_id, site_id, {"motif": reason})
        return True


async def anonymise_on_request(caller: Caller, learner_id: int) -> dict[str, Any]:
    row = await fetch_learner(caller, learner_id)
    if row["anonymised_at"] is not None:
        raise Conflict("Cette fiche est déjà anonymisée.")
    await anonymise(caller, learner_id, row["site"])
    return as_output(await fetch_learner(caller, learner_id))
