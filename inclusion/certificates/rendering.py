"""A certificate's PDF from its frozen snapshot: Jinja template, QR code, WeasyPrint (bundled font, no network).

`render_sync` is a plain function of the snapshot, so batches can run it in worker processes.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import segno
from markupsafe import Markup

from inclusion import pdf

TEMPLATE = "pdf/certificate.html"


def hours(minutes: int) -> str:
    """« 12 h 30 », « 45 min », « 3 h »."""
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h {rest:02d}" if rest else f"{whole} h"


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def qr_code(url: str) -> Markup:
    """The verification URL as an SVG data URI (medium error correction: survives a creased print)."""
    uri = segno.make(url, error="m", micro=False).svg_data_uri(scale=1, border=4, omitsize=True, dark="#000")
    return Markup(uri)


def context(snapshot: dict[str, Any]) -> dict[str, Any]:
    learner = snapshot["learner"]
    name = f"{learner['first_name']} {learner['last_name']}".strip() or "—"
    scale = snapshot["scale"]
    return {
        "title": f"Attestation de parcours numérique — {name}",
        "author": snapshot["site"]["name"],
        "c": snapshot,
        "name": name,
        "start": _day(snapshot["period"]["start"]),
        "end": _day(snapshot["period"]["end"]),
        "issued_on": _day(snapshot["issued_on"]),
        "hours": hours(snapshot["totals"]["minutes"]),
        "topic_hours": {row["label"]: hours(row["minutes"]) for row in snapshot["topics"]},
        "levels": [step["level"] for step in scale],
        "qr": qr_code(snapshot["verify_url"]),
        "verify_base": snapshot["verify_url"].rsplit("/", 1)[0],
    }


def certificate_html(snapshot: dict[str, Any]) -> str:
    """The final HTML handed to WeasyPrint (the benchmark renders it straight, as its floor)."""
    return pdf.render_html(TEMPLATE, context(snapshot))


def render_sync(snapshot: dict[str, Any]) -> bytes:
    return pdf.html_to_pdf(certificate_html(snapshot))


async def render(snapshot: dict[str, Any]) -> bytes:
    """Off the event loop: WeasyPrint runs in a worker thread."""
    return await asyncio.to_thread(render_sync, snapshot)


SAMPLE = {
    "code": "INC-2345-6789-ABCD-EFGH",
    "verify_url": "http://localhost/verify/INC-2345-6789-ABCD-EFGH",
    "issued_on": "2025-01-01",
    "learner": {"first_name": "Exemple", "last_name": "Exemple", "public_name": "Exemple E."},
    "site": {"name": "Site", "address": "", "postal_code": "", "city": ""},
    "period": {"start": "2025-01-01", "end": "2025-01-01"},
    "totals": {"minutes": 60, "sessions": 1, "workshops": 0},
    "topics": [{"label": "Courriels", "sessions": 1, "workshops": 0, "minutes": 60}],
    "framework": "",
    "scale": [{"level": 0, "label": "Non acquis"}, {"level": 3, "label": "Autonome"}],
    "competences": [],
    "socle": {"total": 6, "assessed": 0, "autonomous": 0, "autonomous_at_entry": 0},
    "adviser": "",
}


def warm_up() -> None:
    """Import and load everything a render needs, once per process (batch workers, benchmarks)."""
    render_sync(SAMPLE)
