"""What the dashboard, the shared page and the PDF print of one report: the synthèse (the sentence, the divide
chart, the key figures), then the details by section, and the PDF itself (A4, French, rendered off the event
loop; page 1 is the synthèse, the rest an annex)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from inclusion import clock
from inclusion.documents import pdf
from inclusion.reports import printed, synthesis
from inclusion.reports.charts import report_charts

WIDE_FROM_SITES = 4  # with this many sites or more, the per-site tables go on landscape pages


def printed_context(report: dict[str, Any], **chart_options: str) -> dict[str, Any]:
    """The synthèse, the charts and the sections, as both the dashboard and the PDF show them."""
    charts = report_charts(report, **chart_options)
    return {
        "report": report,
        "synthesis": synthesis.headline(report),
        "key_figures": synthesis.key_figures(report),
        "divide_chart": charts.get("divide"),
        "sections": printed.sections(report, charts),
        "notes": synthesis.legend(report),
    }


def pdf_title(report: dict[str, Any]) -> str:
    day = "%d/%m/%Y"
    return f"Rapport d'impact du {report['date_from'].strftime(day)} au {report['date_to'].strftime(day)}"


def pdf_context(report: dict[str, Any], generated_at: datetime) -> dict[str, Any]:
    return printed_context(report, font="Inter") | {  # the bundled face, declared by pdf/base.css
        "title": pdf_title(report),
        "author": "Inclusion numérique",
        "generated_at": generated_at.astimezone(clock.zone()),
        "wide": len(report["columns"]) >= WIDE_FROM_SITES,
    }


async def report_pdf(report: dict[str, Any], generated_at: datetime) -> bytes:
    return await pdf.render_pdf("pdf/outcomes.html", pdf_context(report, generated_at))


def filename(report: dict[str, Any], extension: str) -> str:
    return f"rapport-impact-{report['date_from']}-{report['date_to']}.{extension}"
