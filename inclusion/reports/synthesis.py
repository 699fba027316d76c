"""The synthèse: what the report answers in one page, read from its own published tables (never recomputed, so
a hidden cell stays hidden and a bound stays a bound).

The sentence compares the same people: those assessed at least twice on the socle in the period, fragile at
their first assessment vs at their latest ("Sur 62 personnes évaluées deux fois, la part en fragilité numérique
est passée de 69,4 % à 48,4 %.")."""

from __future__ import annotations

from typing import Any

from inclusion.reports.figures import MARK

ENTRY, LATEST = "paired_entry", "paired_latest"


def whole(table: dict[str, Any]) -> dict[str, Any]:
    """The whole set's cells of a fragility table: assessed, fragile, rate (the last column of each row)."""
    return {
        "assessed": table["total"]["cells"][-1],
        "fragile": table["rows"][0]["cells"][-1],
        "rate": table["rate"]["cells"][-1],
    }


def said(rate: dict[str, Any]) -> str | None:
    """A rate as words: "69,4 %", "au moins 85,0 %", "au plus 9,1 %", "entre 33,3 % et 66,7 %"; None if hidden."""
    if rate["value"] is not None:
        return rate["display"].split(" [")[0]
    if rate["at_least"] is not None and rate["at_most"] is not None:
        return rate["display"]
    if rate["at_least"] is not None:
        return "au moins " + rate["display"].removeprefix("≥ ")
    if rate["at_most"] is not None:
        return "au plus " + rate["display"].removeprefix("≤ ")
    return None


def sentence(entry: dict[str, Any], latest: dict[str, Any]) -> str:
    """The headline in plain French, saying no more than the published cells."""
    assessed = entry["assessed"]
    if assessed["value"] is None:
        return (
            "Trop peu de personnes ont été évaluées deux fois dans la période pour publier l'évolution de la "
            f"fragilité numérique sans risquer de les reconnaître (secret statistique, « {MARK} »)."
        )
    count = assessed["value"]
    if count == 0:
        return (
            "Personne n'a encore été évalué deux fois dans la période : l'évolution de la fragilité numérique ne "
            "peut pas encore être mesurée."
        )
    people = "personne évaluée" if count == 1 else "personnes évaluées"
    first, last = said(entry["rate"]), said(latest["rate"])
    start = f"Sur {assessed['display']} {people} deux fois, la part en fragilité numérique"
    if first and last:
        if first == last:
            return f"{start} est restée à {first}."
        return f"{start} est passée de {first} à {last}."
    if first:
        return f"{start} était de {first} à la première évaluation ; à la dernière, elle relève du secret statistique."
    if last:
        return f"{start} est de {last} à la dernière évaluation ; à la première, elle relève du secret statistique."
    return f"{start} relève du secret statistique, à la première comme à la dernière évaluation."


def headline(report: dict[str, Any]) -> dict[str, Any] | None:
    """The paired cells of the whole set and the sentence; None without a default framework."""
    tables = {table["key"]: table for table in report["tables"]}
    if ENTRY not in tables or LATEST not in tables:
        return None
    entry, latest = whole(tables[ENTRY]), whole(tables[LATEST])
    return {"entry": entry, "latest": latest, "sentence": sentence(entry, latest)}


def _cell(tables: dict[str, dict[str, Any]], key: str, row: str) -> dict[str, Any] | None:
    table = tables.get(key)
    if table is None:
        return None
    for found in [*table["rows"], *([table["total"]] if table["total"] else [])]:
        if found["key"] == row:
            return found["cells"][-1]
    return None


def key_figures(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The synthèse's figures, whole set: people accompanied (new, returning), open days and visitors,
    activities and hours, Pass handed and used."""
    tables = {table["key"]: table for table in report["tables"]}
    figures = []
    for label, key, row, parts in (
        ("Personnes accompagnées", "learners", "total",
         [("nouvelles", "learners", "nouveau"), ("déjà venues", "learners", "deja_venu")]),
        ("Jours d'ouverture", "attendance", "open_days", [("visiteurs", "attendance", "visitors")]),
        ("Activités", "activity", "activities", [("heures d'accompagnement", "activity", "hours")]),
        ("Pass numérique remis", "vouchers", "total",
         [("déjà utilisés", "vouchers", "used"), ("utilisés dans la période", "vouchers_redeemed", "redeemed")]),
    ):  # fmt: skip
        cell = _cell(tables, key, row)
        if cell is None:
            continue
        details = [(name, found["display"]) for name, t, r in parts if (found := _cell(tables, t, r)) is not None]
        figures.append({"label": label, "display": cell["display"], "details": details})
    return figures


def hides_something(report: dict[str, Any]) -> bool:
    return any(
        cell["value"] is None
        for table in report["tables"]
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]
        for cell in row["cells"]
    )


def legend(report: dict[str, Any]) -> dict[str, str]:
    """The notes every format prints once: the mark (when a cell is hidden), and "diffusion restreinte" when some
    figures are exact."""
    k = report["small_cell_k"]
    found = {"secret": "Aucun nom n'apparaît dans ce rapport."}
    if hides_something(report):
        found["secret"] = (
            f"« {MARK} » : secret statistique. La case compte moins de {k} personnes, ou elle est masquée pour "
            "qu'aucun total ne permette de retrouver une telle case. Un taux « ≥ 85,0 % » ou « ≤ 9,1 % » est la "
            f"borne que les chiffres publiés garantissent (la case masquée compte au plus {k - 1} personnes). "
            "Aucun nom n'apparaît dans ce rapport."
        )
    if report["restricted"]:
        exact = [column["label"] for column in report["columns"] if column["exact"]]
        which = "" if len(exact) == len(report["columns"]) else f" ({', '.join(exact)})"
        found["restricted"] = (
            f"Diffusion restreinte : chiffres exacts{which}, petits effectifs compris, car vous pouvez consulter "
            "les fiches. Ne les transmettez pas : pour un financeur ou une réunion, partagez un lien, dont les "
            "petits effectifs sont masqués."
        )
    return found


def _people(count: int) -> str:
    return "personne sollicitée" if count == 1 else "personnes sollicitées"


def quality(report: dict[str, Any]) -> str:
    """The synthèse's line on the service's quality, from the period's tables (whole set), saying no more than
    their cells: « 84 avis sur 312 personnes sollicitées (26,9 %) : 91,7 % satisfaites ou très satisfaites
    [85,0 – 95,5], 78,6 % plus à l'aise pour faire seules [70,2 – 85,1]. »"""
    tables = {table["key"]: table for table in report["tables"]}
    if "feedback_response" not in tables:
        return ""
    response, satisfied, at_ease = (tables[key] for key in ("feedback_response", "feedback_satisfaction",
                                                             "feedback_at_ease"))  # fmt: skip
    asked, answers = response["total"]["cells"][-1], response["rows"][0]["cells"][-1]
    if asked["value"] == 0:
        return "Aucun avis n'a été demandé aux personnes accompagnées dans la période."
    if answers["value"] is None:
        if asked["value"] is None:
            return (
                "Trop peu de personnes ont été sollicitées dans la période pour publier leur avis sans risquer de "
                f"les reconnaître (secret statistique, « {MARK} »)."
            )
        return (
            f"{asked['display']} {_people(asked['value'])} pour donner leur avis ; trop peu de réponses pour les "
            f"publier sans risquer de reconnaître les personnes (secret statistique, « {MARK} »)."
        )
    if answers["value"] == 0:
        return f"{asked['display']} {_people(asked['value'])} pour donner leur avis ; aucun avis reçu pour l'instant."
    start = f"{answers['display']} avis"
    if asked["value"] is not None:
        start += f" sur {asked['display']} {_people(asked['value'])} ({said(response['rate']['cells'][-1])})"
    parts = []
    for table, words in ((satisfied, "satisfaites ou très satisfaites"), (at_ease, "plus à l'aise pour faire seules")):
        rate = table["rate"]["cells"][-1]
        found = said(rate)
        if found is None:
            parts.append(f"part {words} : secret statistique (« {MARK} »)")
        else:
            interval = rate["display"].partition(" [")[2]
            parts.append(f"{found} {words}" + (f" [{interval}" if rate["value"] is not None and interval else ""))
    return f"{start} : {', '.join(parts)}."
