"""Demo learners at one site, assessed on the default framework over the last 18 months, most of them progressing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from piccolo.table import Table

from inclusion import clock
from inclusion.clock import now
from inclusion.frameworks.builtin import AUTONOMOUS_LEVEL
from inclusion.learners.names import name_key, search_key
from inclusion.storage.tables.assessments import Assessment, AssessmentLevel
from inclusion.storage.tables.frameworks import Competence, FrameworkVersion
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import age_band_for

SEED = 2026
LEARNER_COUNT = 150
FRAMEWORK = "autonomie_quotidien"
HISTORY_DAYS = 547  # about 18 months
SOCLE = ("appareil", "navigation", "courriel", "comptes", "demarche", "arnaques")
EXTRAS_BY_STATUS = {
    "retraite": ("sante", "visio", "banque", "documents", "visio", "sante"),
    "sans_emploi": ("emploi", "documents", "bureautique", "emploi", "banque", "sante"),
    "en_emploi": ("documents", "bureautique", "banque", "sante", "emploi", "visio"),
    "scolarise": ("bureautique", "emploi", "documents", "visio", "banque", "sante"),
    "non_communique": ("documents", "sante", "banque", "visio", "emploi", "bureautique"),
}
INSEE_CODES = (("62667", 70), ("62160", 18), ("62643", 12))  # Le Portel, Boulogne-sur-Mer, Outreau
BIRTH_YEARS = (((1938, 1954), 34), ((1955, 1964), 26), ((1965, 1984), 20), ((1985, 1999), 12), ((2000, 2006), 8))
FIRST_NAMES = {  # by generation: born up to 1959, up to 1989, later
    "feminin": (
        ("Monique", "Jacqueline", "Colette", "Micheline", "Josiane", "Ginette", "Françoise", "Marie-Thérèse"),
        ("Nathalie", "Sandrine", "Isabelle", "Sylvie", "Karine", "Céline", "Valérie", "Stéphanie"),
        ("Manon", "Laura", "Océane", "Camille", "Léa", "Inès", "Chloé", "Amandine"),
    ),
    "masculin": (
        ("Jean-Pierre", "Michel", "Gérard", "Bernard", "Jean-Claude", "Daniel", "Roger", "André"),
        ("Thierry", "Pascal", "Frédéric", "Christophe", "Laurent", "Sébastien", "David", "Fabrice"),
        ("Kévin", "Dylan", "Thomas", "Maxime", "Mehdi", "Anthony", "Lucas", "Jordan"),
    ),
}
LAST_NAMES = (
    "Lefebvre", "Delattre", "Caron", "Fournier", "Lemaire", "Leroy", "Dupont", "Duhamel", "Flahaut", "Wimet",
    "Lebas", "Hochart", "Bouclet", "Dumont", "Marquis", "Delpierre", "Fontaine", "Lamotte", "Cousin", "Leclercq",
    "Deseille", "Bernard", "Martin", "Petit", "Roussel", "Vasseur", "Boulanger", "Carpentier", "Dufour", "Lecomte",
    "Lagache", "Sauvage", "Capron", "D'Hondt", "Lemaître", "Mahieu", "Poulain", "Sénéchal", "Benali", "Mendy",
)  # fmt: skip
NOTES = (
    "Orientée par la CAF pour son espace en ligne.",
    "Souhaite déclarer ses revenus en ligne seul(e).",
    "Vient avec son propre smartphone.",
    "Pas d'ordinateur à la maison : utilise le poste en libre accès.",
    "Orienté par France Travail.",
    "Prise de rendez-vous médicaux en ligne : objectif prioritaire.",
    "Préfère les créneaux du mardi matin.",
)
CHUNK = 500  # rows per INSERT, well under the bound-parameter limits of SQLite and asyncpg


@dataclass
class PlannedLearner:
    values: dict[str, Any]
    assessments: list[tuple[date, str, dict[str, int]]] = field(default_factory=list)


def _status(age: int, draw: float) -> str:
    if age >= 65:
        return "retraite"
    if age >= 60:
        return "retraite" if draw < 0.6 else "sans_emploi" if draw < 0.85 else "en_emploi"
    if age >= 26:
        return "sans_emploi" if draw < 0.55 else "en_emploi" if draw < 0.95 else "non_communique"
    return "scolarise" if draw < 0.35 else "sans_emploi" if draw < 0.8 else "en_emploi"


def _levels(own: random.Random, codes: list[str], count: int, profile: str, age: int) -> list[dict[str, int]]:
    """Levels per assessment: a fragile start, then a steady climb (progressing) or little change (stalling)."""
    base = own.choice((0, 1, 1, 1, 2) if age >= 70 else (0, 1, 1, 2, 2) if age >= 60 else (1, 1, 2, 2, 3))
    first = {code: max(0, min(AUTONOMOUS_LEVEL, base + own.choice((-1, 0, 0, 1)))) for code in codes}
    socle = [code for code in codes if code in SOCLE]
    if all(first[code] >= AUTONOMOUS_LEVEL for code in socle) and own.random() < 0.95:
        first[own.choice(socle)] = own.choice((1, 2))
    gain = own.choice((1, 2, 2, 3, 3)) if profile == "progresse" else 0
    last = {}
    for code, level in first.items():
        rise = gain - (code not in SOCLE) + own.choice((-1, 0, 0, 1)) if gain else int(own.random() < 0.12)
        last[code] = max(0, min(AUTONOMOUS_LEVEL, level + max(0, rise)))
    if gain and sum(last[code] for code in socle) <= sum(first[code] for code in socle):
        lowest = min(socle, key=lambda code: last[code])
        last[lowest] = min(AUTONOMOUS_LEVEL, last[lowest] + 1)
    path = [first]
    for step in range(1, count):
        share = step / (count - 1)
        path.append({code: first[code] + round(share * (last[code] - first[code])) for code in codes})
        if not gain and step < count - 1 and own.random() < 0.3:  # a stalling learner forgets a little
            dip = own.choice(codes)
            path[-1][dip] = max(0, path[-1][dip] - 1)
    return path


def plan_learners(today: date, rng: random.Random | None = None) -> list[PlannedLearner]:
    """The same learners and assessment counts whatever the day; dates count back from `today`."""
    rng = rng or random.Random(SEED)
    planned, names = [], set()
    for _ in range(LEARNER_COUNT):
        own = random.Random(rng.getrandbits(64))  # what depends on today's year draws from here
        low, high = rng.choices([span for span, _ in BIRTH_YEARS], [weight for _, weight in BIRTH_YEARS])[0]
        birth_year = rng.randint(low, high)
        gender = "feminin" if rng.random() < 0.62 else "masculin"
        generation = FIRST_NAMES[gender][0 if birth_year < 1960 else 1 if birth_year < 1990 else 2]
        first_name, last_name = rng.choice(generation), rng.choice(LAST_NAMES)
        while (first_name, last_name) in names:
            first_name, last_name = rng.choice(generation), rng.choice(LAST_NAMES)
        names.add((first_name, last_name))
        draw = rng.random()
        profile = "abandon" if draw < 0.1 else "recent" if draw < 0.15 else "stagne" if draw < 0.32 else "progresse"
        if profile in ("abandon", "recent"):
            count = 1
        else:
            count = rng.choice((2, 2, 3) if profile == "stagne" else (2, 2, 3, 3, 3, 4, 4))
        offsets = [rng.choice((0, 0, 0, 3, 7, 14))]  # days from the first visit
        for _ in range(count - 1):
            offsets.append(offsets[-1] + rng.randint(28, 110))
        first_visit_ago = rng.randint(offsets[-1], 40 if profile == "recent" else HISTORY_DAYS)
        first_visit = today - timedelta(days=first_visit_ago)
        age = today.year - birth_year
        status = _status(age, own.random())
        skipped = own.choice(SOCLE) if own.random() < 0.25 else ""  # at most one socle competence left out
        codes = [code for code in SOCLE if code != skipped]
        extras = EXTRAS_BY_STATUS[status][: own.choice((0, 1, 2, 2, 3, 4, 6))]
        codes += sorted(set(extras))
        path = _levels(own, codes, count, "progresse" if profile in ("progresse", "recent") else profile, age)
        days = [first_visit + timedelta(days=offset) for offset in offsets]
        kinds = ["initial"] + ["intermediaire"] * (count - 1)
        autonomous = all(path[-1][code] >= AUTONOMOUS_LEVEL for code in codes if code in SOCLE)
        if count > 1 and (autonomous or (profile == "progresse" and own.random() < 0.4)):
            kinds[-1] = "final"
        qpv = own.random() < 0.3
        insee_code = own.choices([code for code, _ in INSEE_CODES], [weight for _, weight in INSEE_CODES])[0]
        values = {
            "first_name": first_name,
            "last_name": last_name,
            "name_key": name_key(first_name, last_name),
            "search_key": search_key(first_name, last_name, ""),
            "birth_year": birth_year,
            "age_band": age_band_for(birth_year, today.year).value,
            "gender": gender,
            "social_status": status,
            "insee_code": insee_code,
            "qpv": qpv,
            "rural": not qpv and own.random() < 0.06,
            "phone": f"06 39 98 {own.randint(0, 99):02d} {own.randint(0, 99):02d}" if own.random() < 0.15 else "",
            "consent_on": first_visit,
            "consent_follow_up": own.random() < 0.9,
            "consent_certificate": own.random() < 0.5,
            "notes": own.choice(NOTES) if own.random() < 0.25 else "",
            "first_visit_on": first_visit,
            "last_contact_on": days[-1],
        }
        planned.append(PlannedLearner(values, list(zip(days, kinds, path, strict=True))))
    return planned


def _at(day: date, hour: int, until: datetime) -> datetime:
    return min(datetime.combine(day, time(hour), UTC), until)


async def _insert(table: type[Table], rows: list[Table]) -> None:
    for start in range(0, len(rows), CHUNK):
        await table.insert(*rows[start : start + CHUNK]).run()


async def seed_learners(site_id: int, adviser_id: int | None) -> int:
    """Add the demo learners and their assessments to a site that has no learner yet; return how many records."""
    if await Learner.exists().where(Learner.site == site_id).run():
        return 0
    version = (
        await FrameworkVersion.select(FrameworkVersion.id)
        .where(FrameworkVersion.framework.code == FRAMEWORK, FrameworkVersion.is_current.eq(True))
        .first()
        .run()
    )
    if version is None:
        return 0
    competences = (
        await Competence.select(Competence.id, Competence.code).where(Competence.version == version["id"]).run()
    )
    competence_ids = {row["code"]: row["id"] for row in competences}
    planned, until = plan_learners(clock.today()), now()
    await _insert(
        Learner,
        [
            Learner(
                site=site_id,
                created_by=adviser_id,
                created_at=_at(p.values["first_visit_on"], 9, until),
                updated_at=_at(p.values["last_contact_on"], 11, until),
                **p.values,
            )
            for p in planned
        ],
    )
    learner_ids = {
        row["name_key"]: row["id"]
        for row in await Learner.select(Learner.id, Learner.name_key).where(Learner.site == site_id).run()
    }
    assessments = [
        Assessment(
            learner=learner_ids[p.values["name_key"]],
            site=site_id,
            version=version["id"],
            assessed_on=day,
            kind=kind,
            assessor=adviser_id,
            note="",
            created_at=_at(day, 10, until),
        )
        for p in planned
        for day, kind, _ in p.assessments
    ]
    await _insert(Assessment, assessments)
    assessment_ids = {
        (row["learner"], row["assessed_on"]): row["id"]
        for row in await Assessment.select(Assessment.id, Assessment.learner, Assessment.assessed_on)
        .where(Assessment.site == site_id)
        .run()
    }
    levels = [
        AssessmentLevel(
            assessment=assessment_ids[(learner_ids[p.values["name_key"]], day)],
            competence=competence_ids[code],
            level=level,
        )
        for p in planned
        for day, _, by_code in p.assessments
        for code, level in by_code.items()
    ]
    await _insert(AssessmentLevel, levels)
    return len(planned) + len(assessments)
