"""The migrations build exactly the tables the code declares, on SQLite and on PostgreSQL."""

from piccolo.columns import Varchar
from piccolo.table import Table

from inclusion.storage import db, migrate
from inclusion.storage.piccolo_app import APP_CONFIG


async def database_columns() -> dict[str, set[str]]:
    if db.is_sqlite():
        tables = await Table.raw("SELECT name FROM sqlite_master WHERE type = 'table'")
        result = {}
        for row in tables:
            columns = await Table.raw(f"PRAGMA table_info('{row['name']}')")
            result[row["name"]] = {column["name"] for column in columns}
        return result
    rows = await Table.raw(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
    )
    result: dict[str, set[str]] = {}
    for row in rows:
        result.setdefault(row["table_name"], set()).add(row["column_name"])
    return result


async def test_database_has_every_declared_column(app):
    """Each table class has its table, with exactly its columns, after migrating."""
    in_database = await database_columns()
    for table in APP_CONFIG.table_classes:
        declared = {column._meta.db_column_name for column in table._meta.columns}
        assert in_database.get(table._meta.tablename) == declared, table._meta.tablename


async def test_membership_is_unique_per_user_and_site(app, make):
    """The same user cannot be attached twice to one site (index made by a raw migration)."""
    import pytest

    from inclusion.storage.tables.accounts import UserSite

    site = await make.site()
    user = await make.user("adviser", site)
    with pytest.raises(Exception) as caught:
        await UserSite.insert(UserSite(user=user["id"], site=site)).run()
    assert db.is_integrity_error(caught.value)


async def test_nothing_is_pending_and_nothing_drifts(app):
    """On the migrated test database no migration is pending and the tables match them."""
    assert await migrate.pending() == []
    assert await migrate.drift() == []


async def test_a_table_change_without_migration_is_detected(app):
    """A table class the migrations do not describe shows up as drift."""

    class Stray(Table):
        label = Varchar()

    APP_CONFIG.table_classes.append(Stray)
    try:
        changes = await migrate.drift()
    finally:
        APP_CONFIG.table_classes.remove(Stray)
    assert any("Stray" in line for line in changes)


async def test_funder_accounts_with_sites_move_to_grants(app, make):
    """A funder account that had sites (before funders existed) gets its own funder with a grant on each site, and
    sees the same sites."""
    import importlib.util
    from pathlib import Path

    from inclusion.accounts.users import site_ids_of
    from inclusion.funders.services import grant_periods
    from inclusion.storage.tables.accounts import User, UserSite

    path = next(Path("migrations/inclusion").glob("inclusion_2026_11_23t05_30_00_000000.py"))
    spec = importlib.util.spec_from_file_location("funder_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first, second = await make.site(), await make.site()
    account = await make.user("adviser", first, second)  # made as staff, then turned into a funder of old
    await User.update({User.role: "funder"}).where(User.id == account["id"])
    assert await module.move_funder_sites_to_grants() == 1
    assert await UserSite.count().where(UserSite.user == account["id"]) == 0
    assert await site_ids_of(account["id"]) == {first, second}
    assert set(await grant_periods(account["id"])) == {first, second}
    assert await module.move_funder_sites_to_grants() == 0
