from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site


class Activity(Table):
    """A workshop (collectif) or an individual session, in the national activity model."""

    site = ForeignKey(Site, on_delete=OnDelete.restrict)  # indexed with date: (site, date), in a migration
    type = Varchar(length=16)
    date = Date(index=True)
    start_time = Time(null=True, default=None)
    duration_minutes = Integer()
    place = Varchar(length=16, default="lieu_activite")
    device = Varchar(length=16, null=True, default=None)  # before the list below: copied into it by a migration
    devices = JSON(default=[])  # the devices used (the Coop's `materiel[]`), in the order chosen
    place_insee_code = Varchar(length=5, default="")  # the commune of a place other than the site (the Coop's lieu*)
    place_postal_code = Varchar(length=5, default="")
    place_city = Varchar(length=100, default="")
    adviser = ForeignKey(User, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    note = Text(default="")
    # individuel
    learner = ForeignKey(Learner, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    person_age_band = Varchar(length=32, null=True, default=None)
    person_gender = Varchar(length=16, null=True, default=None)
    person_status = Varchar(length=16, null=True, default=None)
    autonomy = Varchar(length=32, null=True, default=None)
    referral_type = Varchar(length=40, null=True, default=None)
    referral_name = Varchar(length=200, default="")
    referral_note = Text(default="")
    referred = Boolean(null=True, default=None)  # the Coop's `oriente_vers_structure`: None when not said
    procedure_name = Varchar(length=200, default="")  # the Coop's `precisions_demarche`
    partner = Varchar(length=16, null=True, default=None)  # the France Services partner the démarche concerned
    coop_id = Varchar(length=36, default="", index=True)  # its "ID CRA" in La Coop, when it came from there
    # collectif
    title = Varchar(length=200, default="")
    level = Varchar(length=16, null=True, default=None)
    anonymous_count = Integer(default=0)
    anonymous_breakdown = JSON(default={})
    series = Varchar(length=32, default="", index=True)  # shared by the weeks of one repeated workshop
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ActivityTopic(Table):
    """One topic of an activity: digital (thématique) or administrative (démarche)."""

    activity = ForeignKey(Activity, index=True)
    kind = Varchar(length=8)  # "digital" or "admin"
    topic = Varchar(length=48, index=True)


class ActivityParticipant(Table):
    """A named participant of a workshop, present or absent (unique per activity and learner)."""

    activity = ForeignKey(Activity)  # indexed first in the unique (activity, learner), in a migration
    learner = ForeignKey(Learner, index=True, on_delete=OnDelete.restrict)
    present = Boolean(default=True)


class SiteDay(Table):
    """Fréquentation: one row per site and day that was recorded (unique per pair)."""

    site = ForeignKey(Site, index=True, on_delete=OnDelete.restrict)
    day = Date(index=True)
    open = Boolean(default=True)
    visitors = Integer(default=0)
    note = Varchar(length=300, default="")
