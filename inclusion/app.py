"""`create_app(settings)`: the whole web service, built from explicit settings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Request, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router

from inclusion import __version__, clock
from inclusion.accounts.api import TokenApi, UserApi, me
from inclusion.accounts.auth import AuthenticationMiddleware
from inclusion.accounts.pages import ACCOUNT_PAGES
from inclusion.accounts.team_pages import TEAM_PAGES
from inclusion.accounts.token_cache import TokenCache
from inclusion.activities.api import (
    ActivityApi,
    AttendanceApi,
    export_coop_csv,
    export_coop_xlsx,
    export_csv,
    export_xlsx,
)
from inclusion.activities.export_pages import EXPORT_PAGES
from inclusion.activities.import_pages import IMPORT_PAGES
from inclusion.activities.pages import ACTIVITY_PAGES
from inclusion.assessments.api import AssessmentApi, learner_progression
from inclusion.assessments.pages import ASSESSMENT_PAGES
from inclusion.audit.api import AuditApi
from inclusion.audit.pages import AUDIT_PAGES
from inclusion.certificates.api import CertificateApi
from inclusion.certificates.pages import CERTIFICATE_PAGES
from inclusion.feedback.api import ActivityFeedbackApi, FeedbackFormApi, answer_by_link
from inclusion.feedback.pages import FEEDBACK_PAGES
from inclusion.frameworks.api import FrameworkApi
from inclusion.funders.api import FunderApi
from inclusion.funders.pages import FUNDER_PAGES
from inclusion.home.pages import HOME_PAGES
from inclusion.learners.api import LearnerApi
from inclusion.learners.pages import LEARNER_PAGES
from inclusion.learners.retention import run_daily
from inclusion.logs import RequestLog, flush_access_lines, stamp_request_ids
from inclusion.offline.pages import OFFLINE_PAGES
from inclusion.reports import pool as report_pool
from inclusion.reports.api import (
    outcomes,
    outcomes_csv,
    outcomes_pdf,
    outcomes_sites,
    outcomes_sites_csv,
    outcomes_sites_xlsx,
    outcomes_xlsx,
)
from inclusion.reports.memory import tune_collector
from inclusion.reports.months import fold as month_fold
from inclusion.reports.pages import REPORT_PAGES
from inclusion.reports.sharing.api import ShareApi
from inclusion.reports.sharing.pages import SHARE_PAGES
from inclusion.scoping import Caller
from inclusion.settings import TEMPLATES_DIR, Settings
from inclusion.sites.api import SiteApi
from inclusion.sites.pages import SITE_PAGES
from inclusion.storage import db, engines
from inclusion.vouchers import expiry
from inclusion.vouchers.api import BookletApi, SchemeApi, VoucherApi, vouchers_of_learner
from inclusion.vouchers.api_claims import ClaimApi, voucher_report, voucher_report_csv
from inclusion.vouchers.pages import VOUCHER_PAGES
from inclusion.web.api_reference import ApiReference
from inclusion.web.errors import EXCEPTION_HANDLERS, DocumentedErrors
from inclusion.web.headers import add_security_headers
from inclusion.web.health import health
from inclusion.web.idempotency import IdempotencyMiddleware
from inclusion.web.templates import template_config

API_ROUTES = [
    me,
    SiteApi,
    UserApi,
    TokenApi,
    LearnerApi,
    FrameworkApi,
    AssessmentApi,
    learner_progression,
    export_csv,
    export_xlsx,
    export_coop_csv,
    export_coop_xlsx,
    ActivityApi,
    AttendanceApi,
    FeedbackFormApi,
    ActivityFeedbackApi,
    AuditApi,
    SchemeApi,
    BookletApi,
    VoucherApi,
    vouchers_of_learner,
    ClaimApi,
    voucher_report,
    voucher_report_csv,
    CertificateApi,
    FunderApi,
    outcomes,
    outcomes_csv,
    outcomes_xlsx,
    outcomes_pdf,
    outcomes_sites,
    outcomes_sites_csv,
    outcomes_sites_xlsx,
    ShareApi,
]
PAGES = [
    *ACCOUNT_PAGES,
    *HOME_PAGES,
    *TEAM_PAGES,
    *SITE_PAGES,
    *LEARNER_PAGES,
    *ASSESSMENT_PAGES,
    *ACTIVITY_PAGES,
    *FEEDBACK_PAGES,
    *OFFLINE_PAGES,
    *EXPORT_PAGES,
    *IMPORT_PAGES,
    *AUDIT_PAGES,
    *VOUCHER_PAGES,
    *CERTIFICATE_PAGES,
    *REPORT_PAGES,
    *SHARE_PAGES,
    *FUNDER_PAGES,
]


def provide_caller(request: Request) -> Caller:
    return request.scope["user"]


def create_app(settings: Settings) -> Litestar:
    clock.use_zone(settings.time_zone)
    tune_collector()
    engine = engines.create_engine(settings)
    db.bind(engine)
    logging.getLogger("inclusion").setLevel(settings.log_level)
    stamp_request_ids()

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        try:
            await db.prepare(engine)
        except Exception:  # noqa: BLE001 - /health reports an unreachable database
            logging.getLogger("inclusion").error("Base de données injoignable au démarrage.")
        async with db.running(engine, settings.database_pool_size):
            if settings.daily_jobs:  # a server: its report processes start now, not at the first report
                report_pool.pool_for(settings).start()
            jobs = []
            if settings.daily_jobs:  # each worker runs them; all are idempotent
                jobs = [
                    asyncio.create_task(run_daily(settings.retention_months)),
                    asyncio.create_task(expiry.run_daily()),
                    asyncio.create_task(month_fold.run_daily(lambda: report_pool.upkeep(settings))),
                ]
            try:
                yield
            finally:
                for job in jobs:
                    job.cancel()
                await asyncio.gather(*jobs, return_exceptions=True)
                if settings.daily_jobs:  # a server stopping: its report processes end now, even mid-upkeep
                    report_pool.stop_all()
                flush_access_lines()  # uvicorn may end the process by re-raising SIGTERM: no exit hooks run

    api = Router(path="/api/v1", route_handlers=API_ROUTES)  # access rules: AuthenticationMiddleware
    pages = Router(path="/", route_handlers=PAGES, include_in_schema=False)
    static = create_static_files_router(path="/static", directories=[TEMPLATES_DIR / "static"], include_in_schema=False)
    app = Litestar(
        route_handlers=[health, answer_by_link, api, pages, static],
        dependencies={"caller": Provide(provide_caller, sync_to_thread=False)},
        middleware=[AuthenticationMiddleware(), IdempotencyMiddleware],
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[DocumentedErrors()],
        before_send=[add_security_headers],
        template_config=template_config(),
        openapi_config=OpenAPIConfig(
            title="inclusion",
            version=__version__,
            description="API d'inclusion : sites, apprenants, évaluations, activités, Pass numérique, attestations.",
            path="/schema",
            render_plugins=[ApiReference(path="/")],
        ),
        state=State({"settings": settings, "token_cache": TokenCache(settings.token_cache_seconds)}),
        lifespan=[database],
        debug=False,
    )
    app.asgi_handler = RequestLog(app.asgi_handler)  # outermost: 404s and errors get an id and an access line too
    return app
