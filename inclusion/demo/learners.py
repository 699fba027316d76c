"""Demo learners of one site, assessed on the default framework over their time at the site, most of them
progressing: some arrive fragile and become autonomous on the basics, some arrive autonomous on the basics and
come for something else (health, banking, a job search), a few stall or stop coming."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from inclusion.clock import now
from inclusion.demo.calendar import local, open_on_or_before
from inclusion.demo.catalogue import BUS_STOPS
from inclusion.frameworks.builtin import AUTONOMOUS_LEVEL
from inclusion.learners.names import name_key, search_key
from inclusion.storage import sql
from inclusion.storage.tables.assessments import Assessment
from inclusion.storage.tables.frameworks import Competence, FrameworkVersion
from inclusion.storage.tables.learners import Learner
from inclusion.vocabulary import age_band_for

FRAMEWORK = "autonomie_quotidien"
SOCLE = ("appareil", "navigation", "courriel", "comptes", "demarche", "arnaques")
EXTRAS_BY_STATUS = {
    "retraite": ("sante", "visio", "banque", "documents", "visio", "sante"),
    "sans_emploi": ("emploi", "documents", "bureautique", "emploi", "banque", "sante"),
    "en_emploi": ("documents", "bureautique", "banque", "sante", "emploi", "visio"),
    "scolarise": ("bureautique", "emploi", "documents", "visio", "banque", "sante"),
    "non_communique": ("documents", "sante", "banque", "visio", "emploi", "bureautique"),
}
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
MOST_VALUES = 10_000  # values bound to one INSERT, well under the limits of SQLite (32,766) and asyncpg (32,767)


@dataclass(frozen=True)
class Cohort:
    """Who comes to a site: how many, since when, from which communes, on which weekdays."""

    seed: int
    count: int
    history_days: int
    communes: tuple[tuple[str, int], ...]  # INSEE code, weight
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    rural: float = 0.06
    stops: bool = False  # a bus: each learner comes on the weekday it stops in their commune


CARNOT_COHORT = Cohort(2026, 220, 547, (("62667", 70), ("62160", 18), ("62643", 12)))  # Le Portel, Boulogne, Outreau
BUS_COHORT = Cohort(62, 32, 300, tuple((code, 25) for code in BUS_STOPS), (0, 2, 3), 1.0, True)


@dataclass
class PlannedLearner:
    values: dict[str, Any]
    assessments: list[tuple[date, str, dict[str, int]]] = field(default_factory=list)
    profile: str = "progresse"
    until: date = date.min  # the last day they come to the site (sessions, workshops); planned with the rest


def _status(age: int, draw: float) -> str:
    if age >= 65:
        return "retraite"
    if age >= 60:
        return "retraite" if draw < 0.6 else "sans_emploi" if draw < 0.85 else "en_emploi"
    if age >= 26:
        return "sans_emploi" if draw < 0.55 else "en_emploi" if draw < 0.95 else "non_communique"
    return "scolarise" if draw < 0.35 else "sans_emploi" if draw < 0.8 else "en_emploi"


def _clip(level: int) -> int:
    return max(0, min(AUTONOMOUS_LEVEL, level))


def _levels(own: random.Random, codes: list[str], count: int, profile: str, age: int) -> list[dict[str, int]]:
    """Levels per assessment: a fragile start then a steady climb (progressing) or little change (stalling); or,
    for someone already autonomous on the basics ("socle"), other competences that climb."""
    socle = [code for code in codes if code in SOCLE]
    if profile == "socle":
        first = {code: AUTONOMOUS_LEVEL if code in SOCLE else own.choice((0, 1, 1, 2)) for code in codes}
        last = {code: level if code in SOCLE else _clip(level + own.choice((1, 2, 2))) for code, level in first.items()}
        if own.random() < 0.12:  # a basic forgotten since: fragile again at the latest assessment
            last[own.choice(socle)] = 2
    else:
        base = own.choice((0, 1, 1, 1, 2) if age >= 70 else (0, 1, 1, 2, 2) if age >= 60 else (1, 1, 2, 2, 3))
        first = {code: _clip(base + own.choice((-1, 0, 0, 1))) for code in codes}
        if all(first[code] >= AUTONOMOUS_LEVEL for code in socle):
            first[own.choice(socle)] = own.choice((1, 2))
        gain = own.choice((1, 2, 2, 3, 3)) if profile == "progresse" else 0
        last = {}
        for code, level in first.items():
            rise = gain - (code not in SOCLE) + own.choice((-1, 0, 0, 1)) if gain else int(own.random() < 0.12)
            last[code] = _clip(level + max(0, rise))
        if gain and sum(last[code] for code in socle) <= sum(first[code] for code in socle):
            lowest = min(socle, key=lambda code: last[code])
            last[lowest] = _clip(last[lowest] + 1)
    path = [first]
    for step in range(1, count):
        share = step / (count - 1)
        path.append({code: first[code] + round(share * (last[code] - first[code])) for code in codes})
        if profile == "stagne" and step < count - 1 and own.random() < 0.3:  # a stalling learner forgets a little
            dip = own.choice(codes)
            path[-1][dip] = max(0, path[-1][dip] - 1)
    return path


def _profile(draw: float) -> str:
    return (
        "abandon" if draw < 0.1 else "recent" if draw < 0.18 else "stagne" if draw < 0.32
        else "socle" if draw < 0.52 else "progresse"
    )  # fmt: skip


def plan_learners(today: date, cohort: Cohort = CARNOT_COHORT, taken: set | None = None) -> list[PlannedLearner]:
    """The same learners and assessment counts whatever the day; dates count back from `today` and fall on the
    site's opening days. `taken` holds names already used (another site's), which this plan adds to."""
    rng = random.Random(cohort.seed)
    planned, names = [], taken if taken is not None else set()
    for _ in range(cohort.count):
        own = random.Random(rng.getrandbits(64))  # what depends on today's year draws from here
        low, high = rng.choices([span for span, _ in BIRTH_YEARS], [weight for _, weight in BIRTH_YEARS])[0]
        birth_year = rng.randint(low, high)
        gender = "feminin" if rng.random() < 0.62 else "masculin"
        generation = FIRST_NAMES[gender][0 if birth_year < 1960 else 1 if birth_year < 1990 else 2]
        first_name, last_name = rng.choice(generation), rng.choice(LAST_NAMES)
        while (first_name, last_name) in names:
            first_name, last_name = rng.choice(generation), rng.choice(LAST_NAMES)
        names.add((first_name, last_name))
        profile = _profile(rng.random())
        if profile in ("abandon", "recent"):
            count = 1
        else:
            count = rng.choice((2, 2, 3) if profile == "stagne" else (2, 2, 3, 3, 3, 4, 4))
        offsets = [rng.choice((0, 0, 0, 3, 7, 14))]  # days from the first visit
        for _ in range(count - 1):
            offsets.append(offsets[-1] + rng.randint(28, 110))
        soonest = offsets[0] + 1
        first_visit_ago = rng.randint(soonest, max(soonest, 45 if profile == "recent" else cohort.history_days))
        insee_code = own.choices([code for code, _ in cohort.communes], [weight for _, weight in cohort.communes])[0]
        weekdays = (BUS_STOPS[insee_code][0],) if cohort.stops else cohort.weekdays
        first_visit = open_on_or_before(today - timedelta(days=first_visit_ago), weekdays)
        kept = [offset for offset in offsets if offset < first_visit_ago]  # the rest would come after today
        ongoing = len(kept) < len(offsets)  # this learner is in the middle of their path
        days = [open_on_or_before(first_visit + timedelta(days=offset), weekdays) for offset in kept]
        age = today.year - birth_year
        status = _status(age, own.random())
        skipped = own.choice(SOCLE) if own.random() < 0.25 else ""  # at most one socle competence left out
        codes = [code for code in SOCLE if code != skipped]
        extras = EXTRAS_BY_STATUS[status][: own.choice((2, 3, 4, 6) if profile == "socle" else (0, 1, 2, 2, 3, 4, 6))]
        codes += sorted(set(extras))
        path = _levels(own, codes, count, "progresse" if profile in ("abandon", "recent") else profile, age)
        path = path[: len(days)]
        kinds = ["initial"] + ["intermediaire"] * (len(days) - 1)
        autonomous = all(path[-1][code] >= AUTONOMOUS_LEVEL for code in codes if code in SOCLE)
        if len(days) > 1 and not ongoing and (autonomous or (profile == "progresse" and own.random() < 0.4)):
            kinds[-1] = "final"
        stays = 0 if profile == "abandon" else own.choice((0, 7, 14, 21, 35, 60)) if kinds[-1] != "final" else 0
        qpv = own.random() < 0.3 and cohort.rural < 1
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
            "rural": not qpv and own.random() < cohort.rural,
            "phone": f"06 39 98 {own.randint(0, 99):02d} {own.randint(0, 99):02d}" if own.random() < 0.15 else "",
            "consent_on": first_visit,
            "consent_follow_up": own.random() < 0.9,
            "consent_certificate": own.random() < 0.5,
            "notes": own.choice(NOTES) if own.random() < 0.25 else "",
            "first_visit_on": first_visit,
            "last_contact_on": days[-1],
        }
        until = today if ongoing or profile == "recent" else min(today, days[-1] + timedelta(days=stays))
        planned.append(PlannedLearner(values, list(zip(days, kinds, path, strict=True)), profile, until))
    return planned


async def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Many rows in few INSERTs of hand SQL: building thousands of Piccolo rows cost more than writing them."""
    size = max(1, MOST_VALUES // len(columns))
    for start in range(0, len(rows), size):
        statement, args = sql.insert_many_statement(table, columns, rows[start : start + size])
        await sql.fetch(statement, *args)


async def framework_competences() -> tuple[int, dict[str, int]] | None:
    """The default framework's current version and its competence ids by code."""
    version = (
        await FrameworkVersion.select(FrameworkVersion.id)
        .where(FrameworkVersion.framework.code == FRAMEWORK, FrameworkVersion.is_current.eq(True))
        .first()
        .run()
    )
    if version is None:
        return None
    rows = await Competence.select(Competence.id, Competence.code).where(Competence.version == version["id"]).run()
    return version["id"], {row["code"]: row["id"] for row in rows}


async def insert_learners(site_id: int, adviser_id: int | None, planned: list[PlannedLearner]) -> dict[str, int]:
    """Add the planned learners and their assessments; return the learners' ids by name key."""
    until = now()
    names = tuple(planned[0].values)
    columns = ("site", "created_by", "created_at", "updated_at", *names)
    await insert_rows(
        "learner",
        columns,
        [
            (
                site_id,
                adviser_id,
                local(p.values["first_visit_on"], time(9), until),
                local(p.values["last_contact_on"], time(17), until),
                *(p.values[name] for name in names),
            )
            for p in planned
        ],
    )
    learner_ids = {
        row["name_key"]: row["id"]
        for row in await Learner.select(Learner.id, Learner.name_key).where(Learner.site == site_id).run()
    }
    framework = await framework_competences()
    if framework is None:
        return learner_ids
    version, competence_ids = framework
    columns = ("learner", "site", "version", "assessed_on", "kind", "assessor", "created_at")
    rows = [
        (learner_ids[p.values["name_key"]], site_id, version, day, kind, adviser_id, local(day, time(11), until))
        for p in planned
        for day, kind, _ in p.assessments
    ]
    await insert_rows("assessment", columns, rows)
    assessment_ids = {
        (row["learner"], row["assessed_on"]): row["id"]
        for row in await Assessment.select(Assessment.id, Assessment.learner, Assessment.assessed_on)
        .where(Assessment.site == site_id)
        .run()
    }
    levels = [
        (assessment_ids[(learner_ids[p.values["name_key"]], day)], competence_ids[code], level)
        for p in planned
        for day, _, by_code in p.assessments
        for code, level in by_code.items()
    ]
    await insert_rows("assessment_level", ("assessment", "competence", "level"), levels)
    return learner_ids
