"""Learners' opinion of the help they got ("qualité du service rendu"), kept so that no answer names anyone.

An answer holds its site, the month of the activity and what was answered: never a learner, never an
activity, never a time of day. The link to an activity lives apart, in `FeedbackOffer`, and only counts."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.activities import Activity
from inclusion.storage.tables.sites import Site


class FeedbackForm(Table):
    """One version of the questionnaire. A version that an answer uses never changes: edits add a version."""

    code = Varchar(length=64)
    version = Integer()
    is_current = Boolean(default=True)
    title = Varchar(length=200)
    questions = JSON(default=[])
    created_at = Timestamptz(default=TimestamptzNow())


class FeedbackOffer(Table):
    """An activity whose people were asked for their opinion, and how many answered (unique per activity).

    `activity` is cleared when the activity is deleted; the counts stay with the site and the month."""

    activity = ForeignKey(Activity, null=True, default=None, on_delete=OnDelete.set_null)
    site = ForeignKey(Site, index=True, on_delete=OnDelete.restrict)
    month = Date(index=True)
    activity_type = Varchar(length=16)
    participants = Integer(default=1)
    answers = Integer(default=0)


class FeedbackLink(Table):
    """A workshop's public QR link: valid until `expires_at`, at most `max_answers` answers. Its token is
    `<id>-<nonce>`, so the team can show the same code again for the week it is open."""

    offer = ForeignKey(FeedbackOffer, index=True, on_delete=OnDelete.cascade)
    nonce = Varchar(length=64)
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    max_answers = Integer()
    answers = Integer(default=0)


class FeedbackAnswer(Table):
    """One anonymous answer. `satisfied` and `at_ease` are derived from the version's scales when written."""

    form = ForeignKey(FeedbackForm, on_delete=OnDelete.restrict)
    site = ForeignKey(Site, index=True, on_delete=OnDelete.restrict)
    month = Date(index=True)
    activity_type = Varchar(length=16)
    channel = Varchar(length=16)
    answers = JSON(default={})
    satisfied = Boolean(null=True, default=None)
    needs_met = Varchar(length=16, null=True, default=None)
    at_ease = Boolean(null=True, default=None)
    comment = Text(default="")


class FeedbackReceipt(Table):
    """The key of a questionnaire display that was sent (unique): a replay finds it and writes nothing."""

    key = Varchar(length=64)
    month = Date(index=True)
