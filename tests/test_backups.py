"""Backups: `inclusion backup` and `inclusion restore`, run as real commands, on both databases."""

from datetime import timedelta

from inclusion.storage.piccolo_app import APP_CONFIG
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site
from tests.support.clock import paris_today
from tests.support.processes import cli_env, run_cli


async def every_table() -> dict[str, list[dict]]:
    return {
        table._meta.tablename: await table.select().order_by(table._meta.primary_key).run()
        for table in APP_CONFIG.table_classes
    }


async def test_restore_gives_back_every_table_as_it_was_at_the_backup(app, make, database_url, tmp_path):
    """A backup, then changes, then a restore: every table is back as it was, and new records still get new ids."""
    site = await make.site()
    learner = await make.learner(site, "Lucie", "Marchand", first_visit_on=paris_today() - timedelta(days=40))
    await make.assessment(learner, {"navigation": 1, "courriel": 2})
    await make.activity(site, type="individuel", title="", learner=learner, autonomy="autonome")
    before = await every_table()
    env = cli_env(database_url, tmp_path)
    path = tmp_path / "sauvegarde.inclusion"

    done = run_cli("backup", str(path), env=env)
    assert done.returncode == 0, done.stderr
    assert f"Sauvegarde écrite : {path}" in done.stdout and path.stat().st_size > 0
    assert [file.name for file in tmp_path.iterdir() if file.name.startswith(path.name)] == [path.name]

    await make.learner(site, "Après", "Sauvegarde")
    await Learner.update({Learner.first_name: "Changée"}).where(Learner.id == learner)
    await Site.update({Site.city: "Ailleurs"}).where(Site.id == site)
    assert await every_table() != before

    refused = run_cli("restore", str(path), env=env, stdin="n\n")
    assert refused.returncode == 1 and "Restauration annulée" in refused.stderr  # the question was answered no
    assert await every_table() != before
    restored = run_cli("restore", "--yes", str(path), env=env)
    assert restored.returncode == 0, restored.stderr
    assert await every_table() == before
    newest = max(row["id"] for row in before["learner"])
    assert await make.learner(site, "Nouvelle", "Fiche") > newest


async def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(app, make, database_url, tmp_path):
    """Restoring from a file that is not a backup of the service fails with a French message; the data stay."""
    await make.site()
    before = await every_table()
    stray = tmp_path / "notes.txt"
    stray.write_text("pas une sauvegarde\n")
    refused = run_cli("restore", "--yes", str(stray), env=cli_env(database_url, tmp_path))
    assert refused.returncode == 1
    assert "sauvegarde" in refused.stderr.lower() or "échoué" in refused.stderr
    assert await every_table() == before
