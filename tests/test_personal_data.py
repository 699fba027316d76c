"""Personal-data rights: access (export) and retention (purge), through the API and the real command."""

from datetime import date, timedelta

from inclusion.learners.retention import cutoff, purge
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.learners import Learner
from tests.support.clock import paris_today
from tests.support.processes import cli_env, run_cli


async def test_export_holds_everything_about_the_learner(client, make):
    """The export carries the file, its assessments and the audit entries about it, and is itself audited."""
    site = await make.site()
    headers = await make.bearer(await make.user("adviser", site))
    learner = await make.learner(site, "Lucie", "Marchand", phone="0611223344", notes="Préfère le matin")
    await make.assessment(learner, {"navigation": 1, "courriel": 2})
    await make.activity(site, type="individuel", title="", learner=learner, autonomy="autonome")
    await client.get(f"/api/v1/learners/{learner}", headers=headers)
    response = await client.get(f"/api/v1/learners/{learner}/export", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["learner"]["phone"] == "0611223344" and body["learner"]["notes"] == "Préfère le matin"
    assert [level["competence"] for level in body["assessments"][0]["levels"]] == ["navigation", "courriel"]
    assert [(a["type"], a["autonomy"]) for a in body["activities"]] == [("individuel", "autonome")]
    assert [entry["action"] for entry in body["audit"]] == ["view", "export"]
    assert set(body) == {"exported_at", "learner", "assessments", "activities", "vouchers", "certificates", "audit"}


async def test_funders_and_other_sites_cannot_export(client, make):
    """A funder gets 403 and another site's adviser 404 on the export."""
    site = await make.site()
    learner = await make.learner(site)
    funder = await make.bearer(await make.user("funder", site))
    assert (await client.get(f"/api/v1/learners/{learner}/export", headers=funder)).status_code == 403
    stranger = await make.bearer(await make.user("adviser", await make.site()))
    assert (await client.get(f"/api/v1/learners/{learner}/export", headers=stranger)).status_code == 404
    assert await AuditEntry.count().where(AuditEntry.action == "export") == 0


def test_retention_cutoff_counts_calendar_months():
    """24 months before 31 May 2026 is 31 May 2024; before 31 March, the end of February."""
    assert cutoff(date(2026, 5, 31), 24) == date(2024, 5, 31)
    assert cutoff(date(2026, 3, 31), 1) == date(2026, 2, 28)


async def test_purge_anonymises_files_without_recent_contact(app, make, database_url, tmp_path):
    """`inclusion purge --dry-run` counts, `inclusion purge` anonymises only files past retention."""
    site = await make.site()
    old_contact = paris_today() - timedelta(days=800)
    stale = await make.learner(site, "Ancien", "Contact", first_visit_on=old_contact, age_band="soixante_dix_plus")
    recent = await make.learner(site, "Récent", "Contact", first_visit_on=paris_today() - timedelta(days=30))
    env = cli_env(database_url, tmp_path, INCLUSION_RETENTION_MONTHS="24")
    dry = run_cli("purge", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "1 fiche(s) sans contact depuis 24 mois seraient anonymisée(s)" in dry.stdout
    assert (await Learner.select(Learner.first_name).where(Learner.id == stale).first())["first_name"] == "Ancien"
    done = run_cli("purge", env=env)
    assert "1 fiche(s) sans contact depuis 24 mois anonymisée(s)" in done.stdout
    rows = {row["id"]: row for row in await Learner.select()}
    assert rows[stale]["first_name"] == "" and rows[stale]["anonymised_at"] is not None
    assert rows[stale]["age_band"] == "soixante_dix_plus"
    assert rows[recent]["first_name"] == "Récent"
    entry = await AuditEntry.select().where(AuditEntry.action == "anonymise").first().output(load_json=True)
    assert entry["actor"] is None and entry["detail"] == {"motif": "aucun contact depuis 24 mois"}
    assert "0 fiche(s)" in run_cli("purge", env=env).stdout


async def test_two_workers_purging_at_once_anonymise_and_audit_each_file_once(app, make):
    """Every worker runs the daily purge: of two at once, one anonymises a stale file, with one audit entry."""
    import asyncio

    site = await make.site()
    await make.learner(site, "Ancien", "Contact", first_visit_on=paris_today() - timedelta(days=800))
    assert sorted(await asyncio.gather(purge(24), purge(24))) == [0, 1]
    assert await AuditEntry.count().where(AuditEntry.action == "anonymise") == 1


async def test_running_server_purges_once_started(settings, make):
    """With daily jobs on, the server anonymises a file past retention shortly after it starts."""
    import asyncio

    from litestar.testing import AsyncTestClient

    from inclusion.app import create_app

    site = await make.site()
    stale = await make.learner(site, "Ancien", "Contact", first_visit_on=paris_today() - timedelta(days=800))
    admin = await make.bearer(await make.user("admin"))
    app = create_app(settings.with_changes(daily_jobs=True))
    # Read through the app, on its own loop: its PostgreSQL pool belongs to that loop, not to the test's.
    async with AsyncTestClient(app=app) as client:
        for _ in range(50):
            learner = (await client.get(f"/api/v1/learners/{stale}", headers=admin)).json()
            if learner["anonymised"]:
                break
            await asyncio.sleep(0.1)
    assert learner["anonymised"] and learner["last_name"] != "Contact"
