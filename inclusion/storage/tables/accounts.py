from piccolo.columns import Boolean, Bytea, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.sites import Site


class User(Table, tablename="app_user"):
    email = Varchar(length=254, unique=True)
    display_name = Varchar(length=120)
    password_hash = Text()
    role = Varchar(length=16)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class UserSite(Table):
    """The sites a user works at; for a funder, the sites it funds. Unique per pair (index in the migration)."""

    user = ForeignKey(User)
    site = ForeignKey(Site)


class Session(Table, tablename="user_session"):
    """A browser session; `key` is an HMAC of the cookie value, never the value itself."""

    key = Varchar(length=64, unique=True)
    user = ForeignKey(User, index=True)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    ip = Varchar(length=45, default="")
    user_agent = Varchar(length=300, default="")


class ApiToken(Table):
    """A personal API token; only its SHA-256 is stored. `expires_on`: its last valid day (service time zone), or
    none."""

    user = ForeignKey(User, index=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=12)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    expires_on = Date(null=True, default=None)


class LoginAttempt(Table):
    email = Varchar(length=254, index=True)
    ip = Varchar(length=45, index=True)
    succeeded = Boolean(default=False)
    attempted_at = Timestamptz(default=TimestamptzNow(), index=True)


class IdempotentRequest(Table):
    """A write sent with an `Idempotency-Key` and the answer it got, kept 7 days: the same key from the same account
    gets that answer again instead of a second write (unique per user and key, index in the migration)."""

    user = ForeignKey(User, on_delete=OnDelete.cascade)
    key = Varchar(length=128)
    fingerprint = Varchar(length=64)
    status = Integer()
    content_type = Varchar(length=120, default="")
    body = Bytea()
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
