"""The Piccolo app: every table of the service, and where its migrations live."""

from piccolo.conf.apps import AppConfig

from inclusion.accounts.tables import ApiToken, LoginAttempt, Session, User, UserSite
from inclusion.activities.tables import Activity, ActivityParticipant, ActivityTopic, SiteDay
from inclusion.assessments.tables import Assessment, AssessmentLevel
from inclusion.audit.tables import AuditEntry
from inclusion.certificates.tables import Certificate, CertificateFile, VerificationLookup
from inclusion.frameworks.tables import Competence, Framework, FrameworkVersion
from inclusion.funders.tables import Funder, FunderUser, Grant
from inclusion.learners.tables import Learner
from inclusion.reports.tables import (
    ReportMonth,
    ReportMonthChange,
    ReportMonthFigure,
    ReportMonthLearner,
    ReportShare,
    ReportSitePart,
)
from inclusion.settings import MIGRATIONS_DIR
from inclusion.sites.tables import Site
from inclusion.vouchers.tables import Booklet, Claim, SchemeSite, Voucher, VoucherEvent, VoucherScheme

APP_CONFIG = AppConfig(
    app_name="inclusion",
    migrations_folder_path=str(MIGRATIONS_DIR / "inclusion"),
    table_classes=[
        Site,
        User,
        UserSite,
        Session,
        ApiToken,
        LoginAttempt,
        Learner,
        AuditEntry,
        Framework,
        FrameworkVersion,
        Competence,
        Assessment,
        AssessmentLevel,
        Activity,
        ActivityTopic,
        ActivityParticipant,
        SiteDay,
        VoucherScheme,
        SchemeSite,
        Booklet,
        Claim,
        Voucher,
        VoucherEvent,
        Certificate,
        CertificateFile,
        VerificationLookup,
        Funder,
        Grant,
        FunderUser,
        ReportShare,
        ReportMonth,
        ReportMonthChange,
        ReportMonthFigure,
        ReportMonthLearner,
        ReportSitePart,
    ],
    migration_dependencies=[],
    commands=[],
)
