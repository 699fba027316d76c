from piccolo.columns import BigInt, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.frameworks import Competence, FrameworkVersion
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site


class Assessment(Table):
    learner = ForeignKey(Learner, index=True, on_delete=OnDelete.restrict)
    site = ForeignKey(Site, index=True, on_delete=OnDelete.restrict)
    version = ForeignKey(FrameworkVersion, index=True, on_delete=OnDelete.restrict)
    assessed_on = Date(index=True)
    kind = Varchar(length=16)
    assessor = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    # written by the database only, from the assessment's levels (see `inclusion.assessments.packing`)
    levels_packed = BigInt(default=0)


class AssessmentLevel(Table):
    """One competence's level in one assessment (unique per pair: index in the migration)."""

    assessment = ForeignKey(Assessment, index=True)
    competence = ForeignKey(Competence, index=True, on_delete=OnDelete.restrict)
    level = Integer()
