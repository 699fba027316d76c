from piccolo.columns import Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.sites import Site


class Learner(Table):
    """A learner's file at one site. Anonymised files keep only what aggregate figures need."""

    site = ForeignKey(Site, index=True)
    first_name = Varchar(length=100, default="")
    last_name = Varchar(length=100, default="")
    pseudonym = Varchar(length=100, default="")
    name_key = Varchar(length=220, default="", index=True)  # normalised first and last name, for duplicates
    search_key = Varchar(length=330, default="")  # normalised names and pseudonym, for search
    birth_year = Integer(null=True, default=None)
    age_band = Varchar(length=32, default="non_communique")
    gender = Varchar(length=16, default="non_communique")
    social_status = Varchar(length=16, default="non_communique")
    insee_code = Varchar(length=5, default="")
    qpv = Boolean(default=False)
    rural = Boolean(default=False)
    phone = Varchar(length=20, default="")
    email = Varchar(length=254, default="")
    consent_on = Date(null=True, default=None)
    consent_follow_up = Boolean(default=False)
    consent_certificate = Boolean(default=False)
    notes = Text(default="")
    first_visit_on = Date()
    last_contact_on = Date(index=True)
    anonymised_at = Timestamptz(null=True, default=None)
    merged_into = ForeignKey("self", null=True, default=None, on_delete=OnDelete.set_null)
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
