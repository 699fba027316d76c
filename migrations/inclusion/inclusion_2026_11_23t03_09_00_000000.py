from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T03:09:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "voucher numbers unique per scheme, one redemption per voucher, one site per scheme once"

UNIQUE_INDEXES = [
    "CREATE UNIQUE INDEX voucher_scheme_number_unique ON voucher (scheme, number)",
    "CREATE UNIQUE INDEX booklet_scheme_number_unique ON booklet (scheme, number)",
    "CREATE UNIQUE INDEX scheme_site_unique ON scheme_site (scheme, site)",
    "CREATE UNIQUE INDEX voucher_scheme_name_unique ON voucher_scheme (name)",
    # A second line of defence behind the conditional UPDATE: a voucher has at most one redemption in its history.
    "CREATE UNIQUE INDEX voucher_event_one_redemption ON voucher_event (voucher) WHERE to_status = 'redeemed'",
    "CREATE INDEX voucher_activity_learner ON voucher (activity, learner)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inclusion", description=DESCRIPTION)

    async def indexes():
        for statement in UNIQUE_INDEXES:
            await Table.raw(statement)

    manager.add_raw(indexes)
    return manager
