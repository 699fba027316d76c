"""A certificate's PDF from its frozen snapshot: Jinja template, QR code, WeasyPrint (bundled font, no network).

`render_sync` is a plain function of the snapshot, so batches can run it in worker processes.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from inclusion.documents import pdf
from inclusion.documents.qr import qr_data_uri

TEMPLATE = "pdf/certificate.html"


def hours(minutes: int) -> str:
    """« 12 h 30 », « 45 min », « 3 h »."""
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h {rest:02d}" if rest else f"{whole} h"


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def level_scale(entry: int, latest: int, levels: list[int]) -> Markup:
    """One competence on the level scale, as a small SVG: the span reached shaded, entry hollow, latest filled.
    One image per row lays out far faster in WeasyPrint than a table cell per level with rounded dots."""
    low = min(levels)
    cell = 8

    def middle(level: int) -> int:
        return (level - low) * cell + cell // 2

    start, end = sorted((entry, latest))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {cell * len(levels)} 6">'
        f'<rect x="0" y="0" width="{cell * len(levels)}" height="6" fill="#f3f3f3"/>'
        f'<rect x="{(start - low) * cell}" y="0" width="{(end - start + 1) * cell}" height="6" fill="#dcdcf5"/>'
        f'<circle cx="{middle(entry)}" cy="3" r="1.7" fill="#fff" stroke="#000091" stroke-width="0.7"/>'
        f'<circle cx="{middle(latest)}" cy="3" r="1.8" fill="#000091"/></svg>'
    )
    return Markup("data:image/svg+xml," + quote(svg))


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
        "scales": [
            level_scale(row["entry"], row["latest"], [step["level"] for step in scale])
            for row in snapshot["competences"]
        ],
        "qr": qr_data_uri(snapshot["verify_url"]),
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


def warm_up_ready(_: int) -> bool:
    """A no-op job: once a pool has answered a few, its workers have all started (and warmed up)."""
    return True
