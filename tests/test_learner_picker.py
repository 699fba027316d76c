"""The learner picker where a file is chosen outside the activity forms, without JavaScript: merging a duplicate
from the learner's page, and the audit page's learner filter. Nobody types an internal number."""

from inclusion.storage.tables.audit import AuditEntry
from tests.support.browser import logged_in


async def test_merge_finds_the_duplicate_by_its_name(client, make):
    """The file's merge field takes part of a name: one other match goes to the comparison, several are offered
    to choose from, none says so; the file itself is never offered."""
    site = await make.site()
    await logged_in(client, await make.user("adviser", site))
    keep = await make.learner(site, "Lucie", "Marchand")
    duplicate = await make.learner(site, "Lucie", "Marchant", birth_year=1950)
    other = await make.learner(site, "Luc", "Marchal")
    file = (await client.get(f"/learners/{keep}")).text
    assert 'name="duplicate_q"' in file and 'inputmode="numeric"' not in file
    one = await client.get(f"/learners/{keep}/merge?duplicate_q=MARCHANT")
    assert one.status_code == 200 and "Fusionner définitivement" in one.text
    assert f'name="duplicate" value="{duplicate}"' in one.text
    several = await client.get(f"/learners/{keep}/merge?duplicate_q=marcha")
    assert several.status_code == 200 and "Plusieurs fiches correspondent" in several.text
    offered = {f'value="{learner}"' in several.text for learner in (duplicate, other)}
    assert offered == {True} and f'id="duplicate-{keep}"' not in several.text
    none = await client.get(f"/learners/{keep}/merge?duplicate_q=lucie+marchand")
    assert none.status_code == 422 and "Aucune autre fiche ne correspond à « lucie marchand »." in none.text


async def test_audit_filter_takes_a_name(client, make):
    """A coordinator filters the audit log by typing part of a learner's name: one match filters on that file and
    shows it chosen; several are offered; the page never asks for a file number."""
    site = await make.site()
    await logged_in(client, await make.user("coordinator", site))
    lucie = await make.learner(site, "Lucie", "Marchand")
    other = await make.learner(site, "Paul", "Marchal")
    for learner in (lucie, other):
        await client.get(f"/learners/{learner}")
    assert await AuditEntry.count() == 2
    page = await client.get("/audit")
    assert 'name="learner_q"' in page.text and "N° de fiche" not in page.text
    filtered = await client.get("/audit?learner_q=marchand&action=")
    assert f"Fiche n° {lucie}" in filtered.text and f"Fiche n° {other}" not in filtered.text
    assert (
        f'<input type="hidden" name="learner" value="{lucie}">' in filtered.text and "Lucie Marchand" in filtered.text
    )
    several = await client.get("/audit?learner_q=march&action=")
    assert f'type="radio" id="learner_q-found-{lucie}"' in several.text
    assert f'type="radio" id="learner_q-found-{other}"' in several.text
