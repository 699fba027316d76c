"""When a learner's file is erased, their certificates lose the name: PDF deleted, snapshot blanked, revoked."""

from __future__ import annotations

from inclusion.clock import now
from inclusion.storage.tables.certificates import Certificate, CertificateFile

ERASED_REASON = "Données de la personne effacées (anonymisation de sa fiche)."


async def erase_for_learner(learner_id: int) -> None:
    """Runs inside the anonymisation's transaction."""
    rows = (
        await Certificate.select(Certificate.id, Certificate.snapshot, Certificate.revoked_at)
        .where(Certificate.learner == learner_id)
        .output(load_json=True)
    )
    if not rows:
        return
    await CertificateFile.delete().where(CertificateFile.certificate.is_in([row["id"] for row in rows])).run()
    for row in rows:
        content = {**row["snapshot"], "learner": {"first_name": "", "last_name": "", "public_name": ""}}
        changes = {Certificate.snapshot: content}
        if row["revoked_at"] is None:
            changes |= {Certificate.revoked_at: now(), Certificate.revoke_reason: ERASED_REASON}
        await Certificate.update(changes).where(Certificate.id == row["id"]).run()
