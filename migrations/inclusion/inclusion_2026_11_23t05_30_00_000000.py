from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T05:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one funder per account; outcomes report read by site and date"

INDEXES = [
    'CREATE UNIQUE INDEX funder_user_unique ON funder_user ("user")',
    "CREATE INDEX funder_grant_site_period ON funder_grant (site, starts_on, ends_on)",
    "CREATE INDEX assessment_site_date ON assessment (site, assessed_on)",
    "CREATE INDEX voucher_site_issued ON voucher (site, issued_on)",
    "CREATE INDEX voucher_site_redeemed ON voucher (site, redeemed_on)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def indexes():
        for statement in INDEXES:
            await Table.raw(statement)

    manager.add_raw(indexes)
    return manager
