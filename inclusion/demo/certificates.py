"""Demo certificates, issued by the adviser through the certificate service (real PDFs that verify): the
consenting participants of the last workshop series that ended, for its dates, and the latest learners who
reached a final assessment, for their whole path."""

from __future__ import annotations

from datetime import date

from inclusion import clock
from inclusion.accounts.users import caller_columns, caller_from
from inclusion.certificates import services
from inclusion.certificates.schemas import CertificateCreate
from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.activities import Activity, ActivityParticipant
from inclusion.storage.tables.assessments import Assessment
from inclusion.storage.tables.certificates import Certificate
from inclusion.storage.tables.learners import Learner

CERTIFICATES = 4  # each costs a PDF rendering at first start
CYCLE_CERTIFICATES = 2  # at most, among the consenting participants of the last series; the latest learners who
# reached a final assessment make up the rest


async def _last_series(site_id: int) -> tuple[list[int], date, date] | None:
    """The activities of the site's latest workshop series whose last week is over, and its first and last day."""
    rows = (
        await Activity.select(Activity.id, Activity.series, Activity.date)
        .where(Activity.site == site_id, Activity.series != "", Activity.date < clock.today())
        .order_by(Activity.date, ascending=False)
        .run()
    )
    by_series: dict[str, list[dict]] = {}
    for row in rows:
        by_series.setdefault(row["series"], []).append(row)
    ongoing = rows[0]["series"] if rows else None  # the latest series may have weeks still to come
    for series, weeks in by_series.items():
        if series != ongoing:
            return [row["id"] for row in weeks], weeks[-1]["date"], weeks[0]["date"]
    return None


async def _requests(site_id: int) -> list[CertificateCreate]:
    requests = []
    if found := await _last_series(site_id):
        ids, start, end = found
        present = ActivityParticipant.select(ActivityParticipant.learner).where(
            ActivityParticipant.activity.is_in(ids), ActivityParticipant.present.eq(True)
        )
        people = (
            await Learner.select(Learner.id)
            .where(Learner.id.is_in(present), Learner.consent_certificate.eq(True))
            .order_by(Learner.id)
            .limit(CYCLE_CERTIFICATES)
            .run()
        )
        requests += [CertificateCreate(learner_id=row["id"], period_start=start, period_end=end) for row in people]
    finals = (
        await Assessment.select(Assessment.learner, Assessment.assessed_on, Assessment.learner.first_visit_on)
        .where(Assessment.site == site_id, Assessment.kind == "final", Assessment.learner.consent_certificate.eq(True))
        .order_by(Assessment.assessed_on, ascending=False)
        .limit(CERTIFICATES)
        .run()
    )
    chosen = {request.learner_id for request in requests}
    for final in [row for row in finals if row["learner"] not in chosen][: CERTIFICATES - len(requests)]:
        start, end = final["learner.first_visit_on"], final["assessed_on"]
        requests.append(CertificateCreate(learner_id=final["learner"], period_start=start, period_end=end))
    return requests


async def seed_certificates(site_id: int, adviser_id: int | None, base_url: str) -> int:
    """Issue the demo certificates at a site that has none yet; return how many."""
    if adviser_id is None or await Certificate.exists().where(Certificate.site == site_id).run():
        return 0
    row = await User.select(*caller_columns(User)).where(User.id == adviser_id).first().run()
    caller = await caller_from(row, "session")
    requests = await _requests(site_id)
    for request in requests:
        await services.issue(caller, request, base_url)
    return len(requests)
