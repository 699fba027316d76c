"""A funder's home: the headline of the outcomes report of the sites it funds, taken from the report itself.

The figures are the report's own published cells (`inclusion.reports.services.outcomes_report`, built in a report
process; default period: the last 12 months), whole-set column of its paired headline (`inclusion.reports.synthesis`):
the same learners,
assessed at least twice on the socle, fragile at their first assessment of the period and at their latest, with
the report's 95 % Wilson intervals and its sentence. A cell the report hides stays hidden here, with the report's
mark "s" (or the bound it shows); nothing is recomputed, and no name is ever read.
"""

from __future__ import annotations

from typing import Any

from inclusion.reports import synthesis


def reading(head: dict[str, Any]) -> str:
    """The report's sentence, and what the two intervals allow to conclude when both rates are exact."""
    first, last = head["entry"]["rate"], head["latest"]["rate"]
    if first["value"] is None or last["value"] is None or first["low"] is None or last["low"] is None:
        return head["sentence"]
    apart = last["high"] < first["low"] or last["low"] > first["high"]
    if last["value"] < first["value"]:
        verdict = "la fracture numérique se réduit" if apart else "une baisse encore dans la marge d'incertitude"
    elif last["value"] > first["value"]:
        verdict = "elle augmente" if apart else "une hausse encore dans la marge d'incertitude"
    else:
        return head["sentence"]
    return f"{head['sentence'][:-1]}\u00a0: {verdict}."


def funder_headline(report: dict[str, Any]) -> dict[str, Any]:
    """The report's period and sites, the entry and latest figures (None without a default framework), and
    the reading."""
    found: dict[str, Any] = {
        "date_from": report["date_from"],
        "date_to": report["date_to"],
        "site_count": report["site_count"],
    }
    head = synthesis.headline(report)
    if not report["site_count"] or head is None:
        return found | {"entry": None, "latest": None, "reading": ""}
    return found | {"entry": head["entry"], "latest": head["latest"], "reading": reading(head)}
