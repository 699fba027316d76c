"""A learner with a history worth certifying, and reading a certificate PDF back with real tools."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

from inclusion.frameworks.builtin import EVERYDAY
from inclusion.vocabulary import AdminTopic, DigitalTopic
from tests.support.clock import paris_today
from tests.support.database import Factory

TODAY = paris_today()
SOCLE = [c["code"] for c in EVERYDAY["competences"] if c["socle"]]
OTHERS = [c["code"] for c in EVERYDAY["competences"] if not c["socle"]]


async def typical_learner(client, make: Factory, *, long_history: bool = False) -> dict:
    """A site with an address, an adviser, and a consenting learner with assessments, sessions and a workshop."""
    site = await make.site("Espace Carnot", address="12 rue Carnot", postal_code="62300", city="Lens")
    adviser = await make.user("adviser", site)
    headers = await make.bearer(adviser)
    start = TODAY - timedelta(days=120)
    learner = await make.learner(site, "Marie-Ève", "Durand", consent_certificate=True, first_visit_on=start)
    entry = {code: 1 for code in SOCLE} | {code: 0 for code in OTHERS[:2]}
    await make.assessment(learner, entry, assessed_on=start)
    latest = {code: 3 for code in SOCLE[:5]} | {SOCLE[5]: 2} | {code: 2 for code in OTHERS[:2]}
    await make.assessment(learner, latest, assessed_on=start + timedelta(days=60), kind="intermediaire")
    topics = list(DigitalTopic) if long_history else [DigitalTopic.email, DigitalTopic.navigation_sur_internet]
    admin = list(AdminTopic) if long_history else []
    for index, topic in enumerate(topics):
        session = {
            "type": "individuel",
            "date": (start + timedelta(days=2 + index)).isoformat(),
            "duration_minutes": 45,
            "learner_id": learner,
            "digital_topics": [topic]
            + ([DigitalTopic.aide_aux_demarches_administratives] if index < len(admin) else []),
            "admin_topics": [admin[index]] if index < len(admin) else [],
            "autonomy": "partiellement_autonome",
        }
        response = await client.post("/api/v1/activities", json=session, headers=headers)
        assert response.status_code == 201, response.text
    workshop = {
        "type": "collectif",
        "date": (start + timedelta(days=30)).isoformat(),
        "duration_minutes": 120,
        "title": "Découvrir son smartphone",
        "digital_topics": ["prendre_en_main_du_materiel"],
        "participants": [{"learner_id": learner, "present": True}],
        "repeat_weeks": 3,
    }
    response = await client.post("/api/v1/activities", json=workshop, headers=headers)
    assert response.status_code == 201, response.text
    return {
        "site": site,
        "adviser": adviser,
        "headers": headers,
        "learner": learner,
        "workshop": response.json()[0]["id"],
        "minutes": 45 * len(topics) + 3 * 120,
    }


def _write(document: bytes, directory: Path, name: str = "attestation.pdf") -> Path:
    path = directory / name
    path.write_bytes(document)
    return path


def pdf_text(document: bytes, directory: Path) -> str:
    path = _write(document, directory)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_info(document: bytes, directory: Path) -> dict[str, str]:
    path = _write(document, directory)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def qr_codes(document: bytes, directory: Path) -> list[str]:
    """Every QR code on the first page, decoded by zbarimg from a 150 dpi rendering."""
    path = _write(document, directory)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(directory / "page")], check=True
    )
    [image] = sorted(directory.glob("page*.png"))
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True)
    return result.stdout.split()
