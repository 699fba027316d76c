from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.sites import Site


class AuditEntry(Table):
    """Append-only: database triggers refuse any UPDATE or DELETE (see the audit migration)."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(User, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    actor_email = Varchar(length=254, default="")
    site = ForeignKey(Site, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    action = Varchar(length=32, index=True)
    target_type = Varchar(length=32)
    target_id = Integer(null=True, default=None, index=True)
    detail = JSON(default={})
