"""The report's divide follows the assessment levels however they were written: triggers repack an assessment
after any insert, update or delete of its levels, and the migration packs the assessments already there."""

from __future__ import annotations

from datetime import date

from piccolo.table import Table

from inclusion.assessments import packing
from inclusion.storage import db


async def levels_at_entry(client, make, site: int) -> dict[str, dict[str, int]]:
    """Per competence shown, the number of learners at each entry level (zeros left out)."""
    admin = await make.bearer(await make.user("admin"))
    response = await client.get(f"/api/v1/reports/outcomes?site={site}&from=2025-01-01&to=2025-12-31", headers=admin)
    assert response.status_code == 200, response.text
    found = {}
    for table in response.json()["tables"]:
        if table["key"].startswith("levels:") and table["key"].endswith(":entry"):
            counts = {row["key"]: row["cells"][0]["value"] for row in table["rows"]}
            found[table["key"].split(":")[1]] = {level: n for level, n in counts.items() if n}
    return found


async def test_a_level_corrected_or_removed_afterwards_changes_the_report(open_client, make):
    """A level updated, then deleted, straight in the database: the report shows the new level, then none."""
    site = await make.site("Espace Carnot")
    assessment = await make.assessment(
        await make.learner(site), {"appareil": 0, "courriel": 3}, assessed_on=date(2025, 3, 3)
    )
    assert await levels_at_entry(open_client, make, site) == {"appareil": {"0": 1}, "courriel": {"3": 1}}
    appareil = "SELECT id FROM competence WHERE code = 'appareil'"
    await Table.raw(
        f"UPDATE assessment_level SET level = 2 WHERE assessment = {assessment} AND competence IN ({appareil})"
    )
    assert await levels_at_entry(open_client, make, site) == {"appareil": {"2": 1}, "courriel": {"3": 1}}
    await Table.raw(f"DELETE FROM assessment_level WHERE assessment = {assessment} AND competence IN ({appareil})")
    assert await levels_at_entry(open_client, make, site) == {"courriel": {"3": 1}}


async def test_assessments_written_before_the_migration_are_packed_by_it(open_client, make):
    """Assessments whose integers are still 0 (as before the migration) get them from its backfill statement."""
    site = await make.site("Espace Carnot")
    for level in (0, 1, 1):
        await make.assessment(await make.learner(site), {"navigation": level}, assessed_on=date(2025, 5, 5))
    await Table.raw("UPDATE assessment SET levels_packed = 0")
    assert await levels_at_entry(open_client, make, site) == {}
    backfill = (packing.sqlite_statements() if db.is_sqlite() else packing.postgres_statements())[-1]
    await Table.raw(backfill)
    assert await levels_at_entry(open_client, make, site) == {"navigation": {"0": 1, "1": 2}}
