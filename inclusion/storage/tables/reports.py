from piccolo.columns import JSON, BigInt, Date, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site


class ReportShare(Table):
    """A read-only link to an outcomes report, frozen to the scope its creator had when making it.

    `scope` holds the sites and, per site, the days counted (a funder's grant windows, clipped to the period);
    `token_sha256` is the SHA-256 of the link's token, never the token itself."""

    creator = ForeignKey(User, index=True, on_delete=OnDelete.cascade)
    date_from = Date()
    date_to = Date()
    scope = JSON(default={})
    expires_on = Date()
    token_sha256 = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)


class ReportMonth(Table):
    """A site's month of activities, and the number of changes made to them, their topics or their participants
    (database triggers, see `inclusion.reports.months.triggers`): on SQLite `version` counts them all; on
    PostgreSQL, `version` plus the month's rows in `report_month_change`. Unique per (site, month)."""

    site = ForeignKey(Site, on_delete=OnDelete.cascade)
    month = Varchar(length=7)  # AAAA-MM
    version = BigInt(default=1)


class ReportMonthChange(Table):
    """PostgreSQL: one statement's change to a site's month of activities, not yet added to `report_month.version`.
    Writers only ever insert here, so two advisers recording at one site never wait on each other; a report that
    stores figures folds the rows into the version (`inclusion.reports.months.stored`). Unused on SQLite."""

    site = ForeignKey(Site, on_delete=OnDelete.cascade)
    month = Varchar(length=7)


class ReportMonthFigure(Table):
    """One figure of a site's month as the report computed it from the activities at `version`; it counts only
    while `report_month` still has that version (see `inclusion.reports.months.stored`). Unique per (site, month,
    measure, key)."""

    site = ForeignKey(Site, on_delete=OnDelete.cascade)
    month = Varchar(length=7)
    version = BigInt()
    measure = Varchar(length=16)
    key = Varchar(length=100)
    n = BigInt()


class ReportMonthLearner(Table):
    """A learner accompanied at a site in a month (a session's learner or a workshop's present participant), as
    the report found it at `version`; counts only while `report_month` still has that version. Unique per
    (site, month, learner)."""

    site = ForeignKey(Site, on_delete=OnDelete.cascade)
    month = Varchar(length=7)
    version = BigInt()
    learner = ForeignKey(Learner, on_delete=OnDelete.cascade)


class ReportSitePart(Table):
    """A site's share of an outcomes report (its month figures, learners accompanied and divide rows, as JSON) for
    one scope key (the report's days at the site, the framework key, the counting code's version), computed when
    the site's changes stood at `stamp`; it counts only while they still do (see `inclusion.reports.site_parts`).
    Unique per (site, scope_key)."""

    site = ForeignKey(Site, on_delete=OnDelete.cascade)
    scope_key = Varchar(length=64)
    stamp = Varchar(length=40)
    payload = Text()
    computed_on = Date()


class ReportRollup(Table):
    """The sum of the stored shares of every site of a territory (`departement:62`, `region:32`) over one period,
    as JSON, with each member site's stamps it summed (`members`): it counts only while every member's stamps are
    still those (see `inclusion.reports.rollups`). Unique per (territory, scope_key)."""

    territory = Varchar(length=24)
    scope_key = Varchar(length=64)
    members = Text()
    payload = Text()
    computed_on = Date()
