"""A funder's home: the headline of the outcomes report of the sites it funds, taken from the report itself.

The figures are the report's own published cells (`inclusion.reports.services.outcomes_report`, default period:
the last 12 months), whole-set column of its two fragility tables: learners assessed on the socle, fragile at
their first assessment of the period and at their latest, with the report's 95 % Wilson intervals. A cell the
report hides stays hidden here, with the report's mark; nothing is recomputed, and no name is ever read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from inclusion.reports.services import outcomes_report
from inclusion.scoping import Caller

ENTRY, LATEST = "fragility_entry", "fragility_latest"


def _whole(table: dict[str, Any]) -> dict[str, Any]:
    """The whole set's cells of a fragility table: assessed, fragile, rate (the last column of each row)."""
    return {
        "assessed": table["total"]["cells"][-1],
        "fragile": table["rows"][0]["cells"][-1],
        "rate": table["rate"]["cells"][-1],
    }


def _percent(value: float) -> str:
    return f"{value * 100:.0f} %"


def reading(entry: dict[str, Any], latest: dict[str, Any], k: int) -> str:
    """One French sentence saying what the two rates show, and no more than the intervals allow."""
    first, last = entry["rate"], latest["rate"]
    if entry["assessed"]["value"] is None:
        return (
            f"Trop peu d'apprenants évalués sur le socle pour publier ces taux sans risquer d'identifier "
            f"quelqu'un (moins de {k})\u00a0: ils restent masqués, comme dans le rapport."
        )
    if first["value"] is None and last["value"] is None:
        hidden = f"Les deux taux reposent sur des cases de moins de {k} personnes"
        return f"{hidden}\u00a0: ils restent masqués, comme dans le rapport."
    if first["value"] is None or last["value"] is None:
        which = "à la première évaluation" if first["value"] is None else "à la dernière évaluation"
        return (
            f"Le taux {which} repose sur une case de moins de {k} personnes\u00a0: il reste masqué, comme dans le "
            "rapport, et l'évolution ne peut pas être publiée."
        )
    change = f"de {_percent(first['value'])} à la première évaluation à {_percent(last['value'])} à la dernière"
    apart = last["high"] < first["low"] or last["low"] > first["high"]
    if last["value"] < first["value"]:
        verdict = "la fracture numérique se réduit" if apart else "une baisse encore dans la marge d'incertitude"
        return f"La part d'apprenants en fragilité numérique passe {change}\u00a0: {verdict}."
    if last["value"] > first["value"]:
        verdict = "elle augmente" if apart else "une hausse encore dans la marge d'incertitude"
        return f"La part d'apprenants en fragilité numérique passe {change}\u00a0: {verdict}."
    stable = _percent(first["value"])
    return f"La part d'apprenants en fragilité numérique reste à {stable} de la première à la dernière évaluation."


async def funder_headline(caller: Caller, k: int, today: date) -> dict[str, Any]:
    """The report's period and sites, the entry and latest figures (None without a default framework), and
    the reading."""
    report = await outcomes_report(caller, [], None, None, k, today)
    tables = {table["key"]: table for table in report["tables"]}
    found: dict[str, Any] = {"date_from": report["date_from"], "date_to": report["date_to"], "sites": report["sites"]}
    if not report["sites"] or ENTRY not in tables or LATEST not in tables:
        return found | {"entry": None, "latest": None, "reading": ""}
    entry, latest = _whole(tables[ENTRY]), _whole(tables[LATEST])
    return found | {"entry": entry, "latest": latest, "reading": reading(entry, latest, k)}
