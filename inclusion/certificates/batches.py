"""Many certificates at once: the eligible learners of a site, a workshop cycle's participants, and a ZIP.

Snapshots are gathered and records stored in the caller's process; rendering is a plain function of the
snapshot, so the command line hands it to worker processes while a page renders in a thread.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any

from inclusion.certificates import rendering, services
from inclusion.errors import DomainError, InvalidData
from inclusion.learners.names import display_name
from inclusion.scoping import Caller, one_in_scope, require_site
from inclusion.storage.tables.activities import Activity, ActivityParticipant
from inclusion.storage.tables.assessments import Assessment
from inclusion.storage.tables.certificates import Certificate, CertificateFile
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import ActivityType

Renderer = Callable[[dict[str, Any]], Awaitable[bytes]]


async def eligible_learners(caller: Caller, site_id: int, since: date) -> list[int]:
    """Learners of the site who agreed to a certificate and attended or were assessed since `since`."""
    require_site(caller, site_id)
    present = ActivityParticipant.select(ActivityParticipant.learner).where(
        ActivityParticipant.present.eq(True), ActivityParticipant.activity.date >= since
    )
    individual = Activity.select(Activity.learner).where(Activity.date >= since, Activity.learner.is_not_null())
    assessed = Assessment.select(Assessment.learner).where(Assessment.assessed_on >= since)
    rows = await (
        Learner.select(Learner.id)
        .where(
            Learner.site == site_id,
            Learner.consent_certificate.eq(True),
            Learner.anonymised_at.is_null(),
            Learner.merged_into.is_null(),
            Learner.id.is_in(present) | Learner.id.is_in(individual) | Learner.id.is_in(assessed),
        )
        .order_by(Learner.id)
        .run()
    )
    return [row["id"] for row in rows]


async def cycle(caller: Caller, activity_id: int) -> dict[str, Any]:
    """A workshop's cycle (the weeks sharing its series, or the workshop alone) and its present participants."""
    query = Activity.select(Activity.id, Activity.site, Activity.type, Activity.title, Activity.series).where(
        Activity.id == activity_id
    )
    workshop = await one_in_scope(query, caller, Activity.site, "Activité introuvable.")
    if workshop["type"] != ActivityType.collectif:
        raise InvalidData({"activity_id": "Seul un atelier collectif a un cycle et des participants."})
    same = Activity.series == workshop["series"] if workshop["series"] else Activity.id == activity_id
    sessions = (
        await Activity.select(Activity.id, Activity.date)
        .where(same, Activity.site == workshop["site"])
        .order_by(Activity.date)
    )
    people = await (
        Learner.select(
            Learner.id,
            Learner.first_name,
            Learner.last_name,
            Learner.pseudonym,
            Learner.anonymised_at,
            Learner.merged_into,
            Learner.consent_certificate,
        )
        .where(
            Learner.id.is_in(
                ActivityParticipant.select(ActivityParticipant.learner).where(
                    ActivityParticipant.activity.is_in([row["id"] for row in sessions]),
                    ActivityParticipant.present.eq(True),
                )
            )
        )
        .order_by(Learner.last_name, Learner.first_name)
        .run()
    )
    participants = []
    for row in people:
        gone = row["anonymised_at"] is not None or row["merged_into"] is not None
        reason = (
            "fiche anonymisée ou fusionnée" if gone else "" if row["consent_certificate"] else "accord non recueilli"
        )
        participants.append(
            {
                "learner_id": row["id"],
                "name": display_name(row["first_name"], row["last_name"], row["pseudonym"], gone),
                "eligible": not reason,
                "reason": reason,
            }
        )
    return {
        **workshop,
        "start": sessions[0]["date"],
        "end": sessions[-1]["date"],
        "sessions": len(sessions),
        "participants": participants,
    }


async def covering(learner_ids: list[int], start: date, end: date) -> dict[int, int]:
    """For each of these learners who holds one, a valid certificate whose period covers `start` to `end` (the
    latest issued): a batch gives them that one again rather than a second."""
    if not learner_ids:
        return {}
    rows = await (
        Certificate.select(Certificate.id, Certificate.learner)
        .where(
            Certificate.learner.is_in(learner_ids),
            Certificate.period_start <= start,
            Certificate.period_end >= end,
            Certificate.revoked_at.is_null(),
        )
        .order_by(Certificate.id)
        .run()
    )
    return {row["learner"]: row["id"] for row in rows}


async def stored_pdf(certificate_id: int) -> bytes | None:
    """The PDF of an issued certificate (none once its learner's data were erased)."""
    stored = await CertificateFile.select(CertificateFile.pdf).where(CertificateFile.certificate == certificate_id)
    return bytes(stored[0]["pdf"]) if stored else None


async def prepared(
    caller: Caller, learner_ids: list[int], start: date | None, end: date | None, base_url: str
) -> AsyncIterator[tuple[int, dict[str, Any] | None, dict[str, Any] | str]]:
    """For each learner: (id, learner, snapshot) ready to render, or (id, None, why not). A batch chose its
    learners for what they did, so a period with assessments but no activity needs no confirmation here."""
    for learner_id in learner_ids:
        try:
            learner, content = await services.prepare(caller, learner_id, start, end, base_url, force=True)
        except DomainError as refused:
            yield learner_id, None, next(iter(refused.fields.values()), refused.message)
            continue
        yield learner_id, learner, content


async def issue_many(
    caller: Caller,
    learner_ids: list[int],
    start: date,
    end: date,
    base_url: str,
    render: Renderer = rendering.render,
) -> list[tuple[int, dict[str, Any] | None, bytes | str]]:
    """For each learner: (id, certificate, PDF bytes), or (id, None, why not). A learner who already holds a
    valid certificate covering the period gets that one again rather than a second."""
    results: list[tuple[int, dict[str, Any] | None, bytes | str]] = []
    held = await covering(learner_ids, start, end)
    for learner_id, certificate_id in list(held.items()):
        if (pdf := await stored_pdf(certificate_id)) is None:
            del held[learner_id]
        else:
            results.append((learner_id, await services.get_certificate(caller, certificate_id), pdf))
    fresh = [learner_id for learner_id in learner_ids if learner_id not in held]
    async for learner_id, learner, content in prepared(caller, fresh, start, end, base_url):
        if learner is None:
            results.append((learner_id, None, content))  # type: ignore[arg-type]
            continue
        pdf = await render(content)  # type: ignore[arg-type]
        results.append((learner_id, await services.store(caller, learner, content, pdf), pdf))  # type: ignore[arg-type]
    return results


def file_name(certificate: dict[str, Any]) -> str:
    return f"attestation-{certificate['learner_id']}-{certificate['code']}.pdf"


def zip_of(documents: list[tuple[str, bytes]]) -> bytes:
    """PDFs are already compressed: stored as they are, the ZIP is quick to make."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in documents:
            archive.writestr(name, content)
    return buffer.getvalue()
