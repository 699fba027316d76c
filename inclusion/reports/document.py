"""What the dashboard, the shared page and the PDF print of one report: its charts, its tables by section, and
the PDF itself (A4, French, rendered off the event loop; per-site tables on landscape pages when wide)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from inclusion import clock
from inclusion.documents import pdf
from inclusion.reports.charts import dashboard_charts
from inclusion.reports.exports import SECTIONS
from inclusion.reports.synthesis import legend

WIDE_FROM_SITES = 4  # with this many sites or more, the per-site tables go on landscape pages


def sections(report: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(section title, its tables), in the report's order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in report["tables"]:
        found.setdefault(table["section"], []).append(table)
    return [(SECTIONS.get(key, key), tables) for key, tables in found.items()]


def printed_context(report: dict[str, Any], **chart_options: str) -> dict[str, Any]:
    """The charts and the tables, as both the dashboard and the PDF show them."""
    return {
        "report": report,
        "charts": dashboard_charts(report, **chart_options),
        "sections": sections(report),
        "notes": legend(report),
    }


def pdf_title(report: dict[str, Any]) -> str:
    day = "%d/%m/%Y"
    return f"Rapport d'impact du {report['date_from'].strftime(day)} au {report['date_to'].strftime(day)}"


async def report_pdf(report: dict[str, Any], generated_at: datetime) -> bytes:
    context = printed_context(report, font="Inter") | {  # the bundled face, declared by pdf/base.css
        "title": pdf_title(report),
        "author": "Inclusion numérique",
        "generated_at": generated_at.astimezone(clock.zone()),
        "wide": len(report["sites"]) >= WIDE_FROM_SITES,
    }
    return await pdf.render_pdf("pdf/outcomes.html", context)


def filename(report: dict[str, Any], extension: str) -> str:
    return f"rapport-impact-{report['date_from']}-{report['date_to']}.{extension}"
