"""The divide: fragility at entry and at the latest assessment, levels per competence, who became autonomous,
and the monthly fragility trend (DESIGN §4), on the default framework, as report tables.

Within the report's period (clipped per site for a funder), a learner's *entry* level in a competence is the
one given by the first assessment of the period that rated it, the *latest* by the last one. A learner is
fragile when below `autonome` in at least one socle competence rated; learners with no socle competence rated
in the period are not counted.
"""

from __future__ import annotations

from typing import Any

from inclusion.assessments.packing import fits
from inclusion.frameworks.builtin import AUTONOMOUS_LEVEL
from inclusion.reports import packed, queries
from inclusion.reports.assemble import Columns, month_label
from inclusion.reports.grid import Grid, link, with_whole
from inclusion.reports.scope import ReportScope
from inclusion.storage import sql
from inclusion.storage.tables.frameworks import Competence, Framework, FrameworkVersion

LEARNERS = "apprenants"


async def default_framework() -> dict[str, Any] | None:
    """The default framework's versions, current competences (by position), socle ids (every version), levels,
    and each code's slot in `assessment.levels_packed` with whether they all fit there (`packed`)."""
    framework = await Framework.select(Framework.id).where(Framework.is_default.eq(True)).first().run()
    if framework is None:
        return None
    versions = (
        await FrameworkVersion.select(FrameworkVersion.id, FrameworkVersion.is_current, FrameworkVersion.scale)
        .where(FrameworkVersion.framework == framework["id"])
        .output(load_json=True)
        .run()
    )
    current = next(version for version in versions if version["is_current"])
    competences = (
        await Competence.select(Competence.id, Competence.version, Competence.code, Competence.label, Competence.socle)
        .where(Competence.version.is_in([version["id"] for version in versions]))
        .order_by(Competence.position)
        .run()
    )
    socle_codes = {c["code"] for c in competences if c["version"] == current["id"] and c["socle"]}
    first_of_code: dict[str, int] = {}
    for c in sorted(competences, key=lambda c: c["id"]):
        first_of_code.setdefault(c["code"], c["id"])
    ids = ", ".join(str(int(c["id"])) for c in competences) or "0"
    slot_of = {row["competence"]: row["slot"] for row in await sql.fetch(
        f"SELECT competence, slot FROM competence_slot WHERE competence IN ({ids})")}  # fmt: skip
    slots = {c["code"]: slot_of[c["id"]] for c in competences if c["version"] == current["id"]}
    every_level = [step["level"] for version in versions for step in version["scale"]]
    return {
        "version_ids": [version["id"] for version in versions],
        "competences": [c for c in competences if c["version"] == current["id"]],
        "socle_ids": [c["id"] for c in competences if c["code"] in socle_codes],
        "socle_codes": socle_codes,
        "same_code": {c["id"]: first_of_code[c["code"]] for c in competences if c["id"] != first_of_code[c["code"]]},
        "code_of": {c["id"]: c["code"] for c in competences},
        "scale": {step["level"]: step["label"] for step in current["scale"]},
        "slots": slots,
        "packed": fits(list(slot_of.values()), every_level),
    }


def _fragility(
    key: str,
    section: str,
    title: str,
    assessed: list[int],
    fragile: list[int],
    notes=(),
    total: str = "Apprenants évalués sur le socle",
    headline: bool = False,
) -> Grid:
    not_fragile = [a - f for a, f in zip(assessed, fragile, strict=True)]
    return Grid(key, section, title, LEARNERS, [
        ("fragile", "En fragilité numérique", with_whole(fragile)),
        ("not_fragile", "Autonomes sur le socle", with_whole(not_fragile)),
    ], total=(total, with_whole(assessed)), rate="Taux de fragilité", interval=True, notes=list(notes),
        headline=headline)  # fmt: skip


PAIRED_TOTAL = "Personnes évaluées au moins deux fois"
PAIRED_NOTE = (
    "Les mêmes personnes, évaluées au moins deux fois sur le socle dans la période : fragilité à leur première "
    "évaluation puis à leur dernière."
)


def paired_grids(rows: list[dict], columns: Columns) -> list[Grid]:
    """The headline: the learners whose socle was rated at least twice in the period, fragile at entry and at
    their latest assessment (the same people both times)."""
    fragility = [row for row in rows if row["kind"] == "fragility"]
    paired = dict(enumerate(columns.totals(fragility, ["p0", "p1", "p2"]).values()))
    return [
        _fragility("paired_entry", "headline", "Fragilité à la première évaluation (mêmes personnes)", paired[0],
                   paired[1], [PAIRED_NOTE], PAIRED_TOTAL, headline=True),
        _fragility("paired_latest", "headline", "Fragilité à la dernière évaluation (mêmes personnes)", paired[0],
                   paired[2], [PAIRED_NOTE], PAIRED_TOTAL, headline=True),
    ]  # fmt: skip


async def entry_latest_rows(
    scope: ReportScope, framework: dict[str, Any] | None, learners: tuple[str, list[Any]] | None = None
) -> list[dict[str, Any]]:
    """The divide's grouped rows (none without a default framework), of some learners only if `learners` (SQL on
    the assessment `a`, and its arguments) is given: each learner's rows add to the site's."""
    if framework is None:
        return []
    if framework["packed"]:
        args = (scope, framework["version_ids"], framework["slots"], framework["socle_codes"])
        return await packed.divide(*args, sorted(framework["scale"]), AUTONOMOUS_LEVEL, learners)
    args = (scope, framework["version_ids"], framework["same_code"], framework["socle_ids"])
    rows = await queries.divide(*args, sorted(framework["scale"]), AUTONOMOUS_LEVEL, learners)
    return [row | {"code": framework["code_of"].get(row["competence"], "")} for row in rows]


def divide_grids(framework: dict[str, Any] | None, rows: list[dict], monthly: list[dict], columns: Columns):
    if framework is None:
        return []
    levels = sorted(framework["scale"])
    count = len(levels)
    fragility = [row for row in rows if row["kind"] == "fragility"]
    measure = dict(enumerate(columns.totals(fragility, ["n0", "n1", "n2"]).values()))
    note = (
        "Tous les apprenants évalués dans la période, une fois ou plus : niveau de la première puis de la dernière "
        "évaluation, compétence par compétence."
    )
    grids = [
        *paired_grids(rows, columns),
        _fragility("fragility_entry", "divide", "Fragilité à la première évaluation (tous les évalués)", measure[0],
                   measure[1], [note]),
        _fragility("fragility_latest", "divide", "Fragilité à la dernière évaluation (tous les évalués)", measure[0],
                   measure[2], [note]),
    ]  # fmt: skip
    per_code = [row for row in rows if row["kind"] == "competence"]
    for competence in framework["competences"]:
        code = competence["code"]
        mine = [row for row in per_code if row["code"] == code]
        found = dict(enumerate(columns.totals(mine, [f"n{i}" for i in range(2 * count + 2)]).values()))
        assessed = [sum(found[i][site] for i in range(count)) for site in range(columns.width)]
        if not sum(assessed):
            continue
        by_moment = {}
        for moment, offset, title in (("entry", 0, "à l'entrée"), ("latest", count, "à la dernière évaluation")):
            level_rows = [(str(level), f"{level} — {framework['scale'][level]}", with_whole(found[offset + i]))
                          for i, level in enumerate(levels)]  # fmt: skip
            total = ("Apprenants évalués", with_whole(assessed))
            label = f"{competence['label']} : niveaux {title}"
            by_moment[moment] = Grid(f"levels:{code}:{moment}", "divide", label, LEARNERS, level_rows, total=total)
        grids += by_moment.values()
        if code in framework["socle_codes"]:
            below, became = found[2 * count], found[2 * count + 1]
            autonomy = Grid(f"autonomy:{code}", "divide", f"{competence['label']} : devenus autonomes", LEARNERS, [
                ("became", "Devenus autonomes", with_whole(became)),
                ("not_yet", "Pas encore autonomes", with_whole([b - a for a, b in zip(became, below, strict=True)])),
            ], total=("Non autonomes à l'entrée", with_whole(below)), rate="Part devenue autonome")  # fmt: skip
            under = [index for index, level in enumerate(levels) if level < AUTONOMOUS_LEVEL]
            link(by_moment["entry"], autonomy, [(under, 2)])  # levels below autonome at entry sum to its total
            grids.append(autonomy)
    assessed = columns.by(monthly, lambda r: r["month"], lambda r: r["assessed"])
    fragile = columns.by(monthly, lambda r: r["month"], lambda r: r["fragile"])
    for month in sorted(assessed):
        title = f"Fragilité numérique — {month_label(month)}"
        grids.append(_fragility(f"fragility_month:{month}", "trend", title, assessed[month], fragile[month]))
    return grids
