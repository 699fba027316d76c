from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-24T00:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Months of assessments are counted too: the report stores the monthly fragility trend with each month"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def assessment_triggers():
        from inclusion.storage.db import is_sqlite
        from inclusion.reports.months import triggers as month_triggers

        if is_sqlite():
            statements = month_triggers.assessment_sqlite_statements()
        else:
            statements = month_triggers.assessment_postgres_statements()
        for statement in statements:
            await Table.raw(statement)

    manager.add_raw(assessment_triggers)
    return manager
