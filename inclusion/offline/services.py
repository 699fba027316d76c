"""What the device keeps for a day: the learners of the adviser's sites, as little of them as the form needs."""

from __future__ import annotations

from typing import Any

from inclusion.learners.names import display_name
from inclusion.scoping import Caller, scoped
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site


async def learners_to_keep(caller: Caller) -> list[dict[str, Any]]:
    """Open files of the caller's sites: id, site, the name shown and the year of birth (to tell namesakes apart).
    Nothing else leaves the server: no contact, no note, no assessment."""
    query = Learner.select(
        Learner.id, Learner.site, Learner.first_name, Learner.last_name, Learner.pseudonym, Learner.birth_year
    ).where(Learner.anonymised_at.is_null(), Learner.merged_into.is_null())
    rows = await scoped(query, caller, Learner.site).order_by(Learner.last_name).order_by(Learner.first_name)
    return [
        {
            "id": row["id"],
            "site_id": row["site"],
            "name": display_name(row["first_name"], row["last_name"], row["pseudonym"]),
            "birth_year": row["birth_year"],
        }
        for row in rows
    ]


async def sites_of(caller: Caller) -> list[dict[str, Any]]:
    return await scoped(Site.select(Site.id, Site.name), caller, Site.id).order_by(Site.name)
