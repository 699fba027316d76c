"""Each site's share of the report is stored, and read again while nothing it counts changes: a change to its
activities, assessments or learners' files shows in the next report, and stored shares give, byte for byte, the
report that counting everything again gives."""

from __future__ import annotations

from datetime import date, timedelta

from piccolo.table import Table

from inclusion.reports import site_parts
from inclusion.reports.months import fold as month_fold
from inclusion.storage.tables.reports import ReportSitePart
from tests.support.clock import paris_today

TODAY = paris_today()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
SOCLE = {"appareil": 2, "navigation": 3, "courriel": 1, "comptes": 3, "demarche": 2, "arnaques": 3}


async def report(client, headers, query: str = "") -> dict:
    response = await client.get(f"/api/v1/reports/outcomes?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def cell(found: dict, table: str, row: str, column: int = 0):
    rows = next(t for t in found["tables"] if t["key"] == table)["rows"]
    return next(r for r in rows if r["key"] == row)["cells"][column]["value"]


async def three_sites(client, make) -> tuple[list[int], dict]:
    """Three sites with learners of both genders, workshops, sessions and assessments over the last months."""
    sites = [await make.site(name) for name in ("Espace Carnot", "Médiathèque Zola", "Bus numérique")]
    for number, site in enumerate(sites):
        adviser = await make.bearer(await make.user("adviser", site))
        learners = [
            await make.learner(site, gender="feminin" if index % 3 else "masculin", first_visit_on=LAST_MONTH)
            for index in range(12 + 4 * number)
        ]
        for offset, day in enumerate((LAST_MONTH, LAST_MONTH + timedelta(days=9), TODAY)):
            present = learners[offset : offset + 9 + number]
            body = {"type": "collectif", "date": day.isoformat(), "duration_minutes": 90 + 30 * number,
                    "title": "Courriels", "digital_topics": ["email", "aide_aux_demarches_administratives"],
                    "admin_topics": ["social_sante"],
                    "participants": [{"learner_id": learner, "present": True} for learner in present]}  # fmt: skip
            created = await client.post("/api/v1/activities", json=body, headers=adviser)
            assert created.status_code == 201, created.text
        for index, learner in enumerate(learners):
            for day, bonus in ((LAST_MONTH + timedelta(days=2), 0), (TODAY, 1)):
                levels = {code: min(3, level + bonus * (index % 2)) for code, level in SOCLE.items()}
                body = {
                    "learner_id": learner,
                    "kind": "intermediaire",
                    "assessed_on": day.isoformat(),
                    "levels": levels,
                }
                created = await client.post("/api/v1/assessments", json=body, headers=adviser)
                assert created.status_code == 201, created.text
    return sites, await make.bearer(await make.user("admin"))


async def counted_afresh(client, admin, query: str = "") -> dict:
    await ReportSitePart.delete(force=True)
    return await report(client, admin, query)


async def test_stored_shares_give_the_report_a_fresh_count_gives(open_client, make):
    """The whole network, then two of its sites: the report read from stored shares equals a fresh count."""
    sites, admin = await three_sites(open_client, make)
    first = await report(open_client, admin)
    assert await ReportSitePart.count() == 3
    assert await report(open_client, admin) == first == await counted_afresh(open_client, admin)
    query = f"site={sites[0]}&site={sites[2]}"
    assert await report(open_client, admin, query) == await counted_afresh(open_client, admin, query)


async def test_a_stored_share_is_read_while_nothing_changes_then_counted_again(open_client, make):
    """A share tampered with in the database shows in the next report; a workshop recorded at the site, a
    learner's file changed, or an assessment added, each make the next report count the site again."""
    sites, admin = await three_sites(open_client, make)
    query = f"site={sites[1]}"
    before = await report(open_client, admin, query)
    activities = cell(before, "activity", "activities")
    tampered = "replace(payload, '\"activities\":2', '\"activities\":41')"  # last month: 2 workshops, now 41
    await Table.raw(f"UPDATE report_site_part SET payload = {tampered} WHERE site = {{}}", sites[1])
    assert cell(await report(open_client, admin, query), "activity", "activities") == 42
    adviser = await make.bearer(await make.user("adviser", sites[1]))
    learner = await make.learner(sites[1], gender="masculin")
    body = {"type": "individuel", "date": TODAY.isoformat(), "duration_minutes": 30, "learner_id": learner}
    body["digital_topics"] = ["email"]
    assert (await open_client.post("/api/v1/activities", json=body, headers=adviser)).status_code == 201
    after = await report(open_client, admin, query)
    assert cell(after, "activity", "activities") == activities + 1
    assert after == await counted_afresh(open_client, admin, query)

    men = cell(after, "gender", "masculin")
    changed = await open_client.patch(f"/api/v1/learners/{learner}", json={"gender": "feminin"}, headers=adviser)
    assert changed.status_code == 200, changed.text
    assert cell(await report(open_client, admin, query), "gender", "masculin") == men - 1

    levels = {code: 3 for code in SOCLE}
    body = {"learner_id": learner, "kind": "intermediaire", "assessed_on": TODAY.isoformat(), "levels": levels}
    assessment = await open_client.post("/api/v1/assessments", json=body, headers=adviser)
    assert assessment.status_code == 201, assessment.text
    assessed = await report(open_client, admin, query)
    assert assessed == await counted_afresh(open_client, admin, query)
    assert cell(assessed, "fragility_latest", "not_fragile") == cell(after, "fragility_latest", "not_fragile") + 1


async def test_a_funders_days_are_a_share_of_their_own(open_client, make):
    """A funder whose grant covers part of the period gets its own share of the site, not the administrator's."""
    sites, admin = await three_sites(open_client, make)
    whole = await report(open_client, admin, f"site={sites[0]}")
    funder_user = await make.user("funder")
    await make.funder([(sites[0], TODAY, TODAY + timedelta(days=30))], funder_user["id"])
    funder = await make.bearer(funder_user)
    granted = await report(open_client, funder, f"site={sites[0]}")
    assert cell(whole, "activity", "activities") == 3
    assert cell(granted, "activity", "activities") == 1
    assert await ReportSitePart.count() == 2
    assert await report(open_client, funder, f"site={sites[0]}") == granted


async def test_the_daily_upkeep_computes_every_sites_share_once_and_forgets_old_ones(open_client, make):
    """The upkeep stores the default period's share of each site; run again, it computes none; shares not
    computed for a week are deleted."""
    sites, _ = await three_sites(open_client, make)
    assert await month_fold.warm_shares(TODAY) == 3
    assert await month_fold.warm_shares(TODAY) == 0
    await ReportSitePart.update({ReportSitePart.computed_on: date(2020, 1, 1)}).where(ReportSitePart.site == sites[0])
    await site_parts.forget_old(TODAY)
    assert sorted({row["site"] for row in await ReportSitePart.select(ReportSitePart.site)}) == sites[1:]


async def test_a_share_of_a_site_deleted_meanwhile_is_not_kept_and_nothing_fails(app, make):
    """Storing the share of a site that no longer exists (deleted during the report) keeps nothing, raises nothing."""
    site = await make.site("Espace Carnot")
    shares = site_parts.Shares({}, [site, 999_999], {}, {site: "k" * 64, 999_999: "k" * 64})
    await site_parts.store(shares, [999_999], {part: [] for part in site_parts.PARTS}, TODAY)
    assert await ReportSitePart.count() == 0
    await site_parts.store(shares, [site], {part: [] for part in site_parts.PARTS}, TODAY)
    assert await ReportSitePart.count() == 1
