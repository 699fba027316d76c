"""The report as people read it (dashboard, shared page, PDF): the synthèse first, then details in sections, each
table once, every table and column with a human title. Read from the published tables: the same displays as
the JSON, "s" included.

With one site, a table has one column of figures (the site's is the whole set's); with several, one column per
site then "Ensemble". Tables of the whole set only (levels per competence, months) say so in their title."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WHOLE = "Ensemble"
FIRST = {  # the first column's title, per table
    "learners": "Arrivée", "age_band": "Tranche d'âge", "gender": "Genre", "social_status": "Statut",
    "qpv": "Résidence", "communes": "Commune", "activity": "Mesure", "participants": "Participants",
    "attendance": "Mesure", "durations": "Durée", "devices": "Matériel", "places": "Lieu",
    "topics_digital": "Thématique", "topics_admin": "Démarche", "referrals": "Orientation vers",
    "partners": "Mois et partenaire",
    "vouchers": "Pass numérique", "vouchers_redeemed": "Pass numérique", "feedback_response": "Avis",
    "feedback_satisfaction": "Satisfaction", "feedback_at_ease": "Aisance",
}  # fmt: skip
QUALITY = ("feedback_response", "feedback_satisfaction", "feedback_at_ease")


@dataclass
class Printed:
    key: str
    title: str
    header: list[str]  # the first column's title, then one per column of figures
    rows: list[tuple[str, list[str], bool]]  # (label, displays, is a total)
    notes: list[str] = field(default_factory=list)
    narrow: bool = False  # few columns: may sit beside another one
    groups: list[tuple[str, int]] = field(default_factory=list)  # a header row above `header`: (title, columns)


@dataclass
class Section:
    key: str
    title: str
    tables: list[Printed]
    charts: list[dict[str, Any]] = field(default_factory=list)


def site_header(report: dict[str, Any], single: str = "Nombre") -> list[str]:
    """One column per site (or région, département) then the whole set's; with one site (named above every
    table), one column."""
    if len(report["columns"]) == 1:
        return [single]
    return [*(column["label"] for column in report["columns"]), WHOLE]


def _columns(report: dict[str, Any], cells: list[dict[str, Any]]) -> list[str]:
    """The displays of a row: its one column with one site, every column with several."""
    if len(report["columns"]) == 1:
        return [cells[-1]["display"]]
    return [cell["display"] for cell in cells]


def per_site(report: dict[str, Any], table: dict[str, Any], title: str | None = None) -> Printed:
    """A published table as printed: its rows, its total, its rate."""
    first = FIRST.get(table["key"], "Mesure")
    rows = [(row["label"], _columns(report, row["cells"]), False) for row in table["rows"]]
    if table["total"]:
        rows.append((table["total"]["label"], _columns(report, table["total"]["cells"]), True))
    if table["rate"]:
        rows.append((table["rate"]["label"], _columns(report, table["rate"]["cells"]), False))
    narrow = len(report["columns"]) == 1
    header = [first, *site_header(report, "Taux" if table["key"] == "vouchers_rate" else "Nombre")]
    return Printed(table["key"], title or table["title"], header, rows, table["notes"], narrow)


def _whole(table: dict[str, Any] | None, key: str) -> str:
    if table is None:
        return "—"
    for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
        if row["key"] == key:
            return row["cells"][-1]["display"]
    return "—"


def divide_table(report: dict[str, Any], tables: dict[str, dict[str, Any]]) -> Printed:
    """Fragility, per site: the same people (assessed twice) then everyone assessed, at entry and at the latest."""
    rows = []
    for prefix, entry, latest, who in (
        ("Mêmes personnes", "paired_entry", "paired_latest", "évaluées au moins deux fois"),
        ("Tous les évalués", "fragility_entry", "fragility_latest", "évalués sur le socle, une fois ou plus"),
    ):
        first, last = tables[entry], tables[latest]
        rows.append((f"{prefix} : {who}", _columns(report, first["total"]["cells"]), True))
        for moment, table in (("première", first), ("dernière", last)):
            rows.append((f"En fragilité à la {moment} évaluation", _columns(report, table["rows"][0]["cells"]), False))
            rows.append((f"Taux à la {moment} évaluation [intervalle à 95 %]", _columns(report, table["rate"]["cells"]),
                         False))  # fmt: skip
    notes = [
        "Mêmes personnes : celles dont le socle a été évalué au moins deux fois dans la période, à leur première "
        "puis à leur dernière évaluation. Tous les évalués : chaque compétence à sa première puis à sa dernière "
        "évaluation de la période."
    ]
    return Printed("divide", "Fragilité numérique", ["Mesure", *site_header(report, "Chiffre")], rows, notes)


def levels_table(report: dict[str, Any], tables: dict[str, dict[str, Any]]) -> Printed | None:
    """Each competence's levels at entry and at the latest (whole set), and who became autonomous."""
    entries = [table for key, table in tables.items() if key.startswith("levels:") and key.endswith(":entry")]
    if not entries:
        return None
    levels = [row["key"] for row in entries[0]["rows"]]
    rows = []
    for entry in entries:
        code = entry["key"].split(":")[1]
        latest, autonomy = tables.get(f"levels:{code}:latest"), tables.get(f"autonomy:{code}")
        label = entry["title"].rsplit(" : ", 1)[0]
        cells = [_whole(entry, "total"), *(_whole(entry, level) for level in levels)]
        cells += [_whole(latest, level) for level in levels]
        if autonomy is not None:
            cells += [_whole(autonomy, "became"), _whole(autonomy, "total")]
        else:
            cells += ["—", "—"]
        rows.append((label, cells, False))
    header = ["Compétence", "Évalués", *levels, *levels, "Devenus", "Parmi"]
    groups = [("", 2), ("Niveau à l'entrée", len(levels)), ("Niveau à la dernière", len(levels)), ("Autonomes", 2)]
    scale = ", ".join(row["label"] for row in entries[0]["rows"])
    notes = [
        f"Ensemble des sites. Niveaux : {scale}. Autonomes : devenus autonomes, parmi les non autonomes à l'entrée "
        "(compétences du socle ; « — » hors socle).",
        *entries[0]["notes"],
    ]
    return Printed("levels", "Niveaux par compétence, à la première puis à la dernière évaluation", header, rows, notes,
                   groups=groups)  # fmt: skip


def monthly_table(report: dict[str, Any], tables: dict[str, dict[str, Any]]) -> Printed:
    """Per month (whole set): activities, hours, learners assessed in the month and the fragility rate."""
    activity, hours = tables["activity_trend"], tables["hours_trend"]
    rows = []
    for index, row in enumerate(activity["rows"]):
        month = tables.get(f"fragility_month:{row['key']}")
        assessed = month["total"]["cells"][-1]["display"] if month else "0"
        rate = month["rate"]["cells"][-1]["display"] if month else "—"
        rows.append((row["label"], [row["cells"][-1]["display"], hours["rows"][index]["cells"][-1]["display"],
                                    assessed, rate], False))  # fmt: skip
    header = ["Mois", "Activités", "Heures", "Évalués dans le mois", "Taux de fragilité [intervalle à 95 %]"]
    note = "Ensemble des sites. Fragilité du mois : la dernière évaluation du mois de chaque compétence du socle."
    return Printed("months", "Chaque mois", header, rows, [note])


def quality_table(tables: dict[str, dict[str, Any]]) -> Printed:
    """Per month then over the period (whole set): people asked, answers, the response rate, then satisfied and
    more at ease, each with its share and interval."""
    months = [key.partition(":")[2] for key in tables if key.startswith("feedback_response:")]
    rows = []
    for month, label in [*((m, f"{m[5:]}/{m[:4]}") for m in months), ("", "Période")]:
        response, satisfied, at_ease = (tables[f"{key}:{month}" if month else key] for key in QUALITY)
        cells = [response["total"]["cells"][-1]["display"], response["rows"][0]["cells"][-1]["display"],
                 response["rate"]["cells"][-1]["display"]]  # fmt: skip
        for table in (satisfied, at_ease):
            cells += [table["rows"][0]["cells"][-1]["display"], table["rate"]["cells"][-1]["display"]]
        rows.append((label, cells, not month))
    header = ["Mois", "Sollicitées", "Avis", "Taux de réponse", "Satisfaites", "Part satisfaite", "Plus à l'aise",
              "Part plus à l'aise"]  # fmt: skip
    notes = [
        "Ensemble des sites. Sollicitées : participants des activités où l'avis a été demandé. Satisfaites : ou très "
        "satisfaites. Entre crochets : intervalle de confiance à 95 %."
    ]
    return Printed("quality", "Qualité du service rendu, mois par mois", header, rows, notes)


def sections(report: dict[str, Any], charts: dict[str, dict[str, Any]]) -> list[Section]:
    """The details, in reading order; each published table printed once."""
    tables = {table["key"]: table for table in report["tables"]}
    found = []
    if "paired_entry" in tables:
        divide = [divide_table(report, tables)]
        if (levels := levels_table(report, tables)) is not None:
            divide.append(levels)
        found.append(Section("divide", "Fracture numérique : le détail", divide))
    found.append(Section("months", "Mois par mois", [monthly_table(report, tables)],
                         [chart for key, chart in charts.items() if key in ("trend", "activities")]))  # fmt: skip
    publics = [per_site(report, tables[key]) for key in ("age_band", "gender", "social_status", "qpv", "communes")
               if key in tables]  # fmt: skip
    publics.insert(0, per_site(report, tables["learners"], "Personnes accompagnées"))
    found.append(Section("publics", "Les personnes accompagnées", publics))
    activities = [
        per_site(report, tables["activity"], "Activités et heures"),
        per_site(report, tables["participants"]),
        per_site(report, tables["attendance"], "Ouverture et fréquentation"),
        *(per_site(report, tables[key]) for key in ("durations", "devices", "places") if key in tables),
        *(per_site(report, tables[key]) for key in ("topics_digital", "topics_admin", "referrals")),
        *(per_site(report, tables[key]) for key in ("partners",) if key in tables),
    ]
    found.append(Section("activities", "Les activités", activities))
    vouchers = [per_site(report, tables["vouchers"]), per_site(report, tables["vouchers_redeemed"])]
    found.append(Section("vouchers", "Pass numérique", vouchers))
    if QUALITY[0] in tables:  # with one site, its column would repeat the monthly table's last row
        per_sites = [per_site(report, tables[key], tables[key]["title"].rsplit(" — ", 1)[0]) for key in QUALITY]
        quality = [quality_table(tables), *(per_sites if len(report["columns"]) > 1 else [])]
        found.append(Section("quality", "Qualité du service rendu", quality))
    return found
