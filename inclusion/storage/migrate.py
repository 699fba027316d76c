"""Apply the migrations, and tell whether the tables, the migrations and the database agree."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.auto.diffable_table import DiffableTable
from piccolo.apps.migrations.auto.schema_differ import SchemaDiffer
from piccolo.apps.migrations.auto.schema_snapshot import SchemaSnapshot
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration

from inclusion.storage.piccolo_app import APP_CONFIG


class MigrationFailed(Exception):
    pass


async def apply(verbose: bool = False) -> None:
    """Run every migration not yet applied, on the bound engine."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        result = await run_forwards(app_name="all")
    if verbose:
        print(output.getvalue(), end="")
    if not result.success:
        raise MigrationFailed(f"Échec de la migration : {result.message or output.getvalue()}")


async def pending() -> list[str]:
    """Ids of the migrations in migrations/ that the database has not run."""
    manager = BaseMigrationManager()
    await manager.create_migration_table()
    ran = set(await Migration.get_migrations_which_ran(app_name=APP_CONFIG.app_name))
    on_disk = manager.get_migration_ids(manager.get_migration_modules(APP_CONFIG.resolved_migrations_folder_path))
    return sorted(set(on_disk) - ran)


async def drift() -> list[str]:
    """Changes to the table classes that no migration describes."""
    managers = await BaseMigrationManager().get_migration_managers(app_config=APP_CONFIG)
    snapshot = SchemaSnapshot(managers).get_snapshot()
    current = [
        DiffableTable(
            class_name=table.__name__,
            tablename=table._meta.tablename,
            columns=table._meta.non_default_columns,
            constraints=table._meta.constraints,
            schema=table._meta.schema,
        )
        for table in APP_CONFIG.table_classes
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        statements = SchemaDiffer(schema=current, schema_snapshot=snapshot, auto_input="n").get_alter_statements()
    return [line for group in statements for line in group.statements]
