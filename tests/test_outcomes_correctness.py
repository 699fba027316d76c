"""The outcomes report's headline, public, topic and divide figures equal a plain-Python recount of a known
dataset, exactly."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from statistics import NormalDist

import pytest

from inclusion.frameworks.builtin import EVERYDAY
from inclusion.reports import breakdowns, figures
from inclusion.reports.assemble import Columns
from inclusion.reports.divide import default_framework
from inclusion.storage.tables.activities import ActivityParticipant

SOCLE = ("appareil", "navigation", "courriel", "comptes", "demarche", "arnaques")
EXTRAS = ("documents", "visio", "sante", "banque")
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))
PLACES = ("lieu_activite", "a_distance", "domicile")
BUCKETS = ((30, "moins_30"), (60, "de_30_a_60"), (120, "de_60_a_120"), (10**9, "plus_120"))
BANDS = ("vingt_cinq_trente_neuf", "quarante_cinquante_neuf", "soixante_soixante_neuf", "soixante_dix_plus")


@dataclass
class Person:
    id: int
    site: int
    first_visit: date
    age_band: str
    gender: str
    status: str
    qpv: bool
    insee_code: str
    ratings: list[tuple[date, dict[str, int]]] = field(default_factory=list)  # in insertion (id) order


@dataclass
class Event:
    site: int
    type: str
    day: date
    minutes: int
    learner: int | None = None
    present: list[int] = field(default_factory=list)
    anonymous: int = 0
    devices: list[str] = field(default_factory=list)
    place: str = "lieu_activite"


def day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


async def build(make, rng: random.Random, sites: dict[int, int]):
    """Learners rated before, during and after the period; sessions, workshops and Pass inside and outside it."""
    people, events, vouchers = [], [], []
    for site, count in sites.items():
        for _ in range(count):
            values = {
                "first_visit": day_between(rng, date(2024, 6, 1), date(2025, 11, 30)),
                "age_band": rng.choice(BANDS),
                "gender": rng.choice(("feminin", "masculin", "non_communique")),
                "status": rng.choice(("sans_emploi", "en_emploi", "retraite")),
                "qpv": rng.random() < 0.3,
                "insee_code": rng.choice(("62667", "62643", "75056", "")),
            }
            learner = await make.learner(
                site,
                first_visit_on=values["first_visit"],
                age_band=values["age_band"],
                gender=values["gender"],
                social_status=values["status"],
                qpv=values["qpv"],
                insee_code=values["insee_code"],
            )
            person = Person(learner, site, **values)
            days = sorted({day_between(rng, date(2024, 10, 1), date(2026, 2, 28)) for _ in range(rng.randint(0, 4))})
            for day in days:
                codes = rng.sample(SOCLE, rng.randint(0, 3)) + rng.sample(EXTRAS, rng.randint(0, 2))
                levels = {code: rng.choice((0, 1, 2, 3, 3, 3, 3, 3)) for code in codes}
                if levels:
                    await make.assessment(learner, levels, assessed_on=day)
                    person.ratings.append((day, levels))
            people.append(person)
        mine = [person.id for person in people if person.site == site]
        for _ in range(count):
            day = day_between(rng, date(2024, 11, 1), date(2026, 1, 31))
            devices = rng.choice(([], ["ordinateur"], ["telephone"], ["telephone", "ordinateur"]))
            where = {"devices": devices, "place": rng.choice(PLACES)}
            if rng.random() < 0.5:
                learner = rng.choice(mine) if rng.random() < 0.8 else None
                event = Event(site, "individuel", day, rng.choice((20, 30, 45, 60)), learner=learner, **where)
                await make.activity(
                    site, type="individuel", date=day, duration_minutes=event.minutes, learner=learner, **where
                )
            else:
                invited = rng.sample(mine, rng.randint(0, 6))
                present = [learner for learner in invited if rng.random() < 0.8]
                minutes = rng.choice((90, 120, 150))
                anonymous = rng.randint(0, 3) or (0 if invited else 1)  # a workshop has someone
                event = Event(site, "collectif", day, minutes, present=present, anonymous=anonymous, **where)
                activity = await make.activity(
                    site, ("email",), date=day, duration_minutes=event.minutes, anonymous_count=event.anonymous, **where
                )
                for learner in invited:
                    await ActivityParticipant.insert(
                        ActivityParticipant(activity=activity, learner=learner, present=learner in present)
                    )
            events.append(event)
        scheme = await make.scheme(site)
        for index in range(count // 2):  # Pass handed before, during and after the period, some used
            issued = day_between(rng, date(2024, 11, 1), date(2026, 1, 31))
            used = rng.random() < 0.5
            redeemed = issued + timedelta(days=rng.randint(0, 60)) if used else None
            status = rng.choice(("redeemed", "claimed", "reimbursed")) if used else "issued"
            values = {"learner": rng.choice(mine), "issued_on": issued, "status": status, "redeemed_on": redeemed}
            await make.voucher(site, scheme, f"P{site}-{index}", **values)
            vouchers.append((site, issued, redeemed))
    return people, events, vouchers


def within(day: date) -> bool:
    return PERIOD[0] <= day <= PERIOD[1]


def wilson(x: int, n: int) -> tuple[float, float]:
    z = NormalDist().inv_cdf(0.975)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    margin = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return round(max(0.0, centre - margin), 4), round(min(1.0, centre + margin), 4)


def expected(people: list[Person], events: list[Event], vouchers, site_ids: list[int]) -> dict[tuple[str, str], list]:
    """(table key, row key) → one value per site then the whole set, counted straight from the dataset."""
    found: dict[tuple[str, str], list] = defaultdict(lambda: [0] * (len(site_ids) + 1))
    column = {site: index for index, site in enumerate(site_ids)}
    by_id = {person.id: person for person in people}

    def add(table: str, row: str, site: int, amount=1) -> None:
        found[(table, row)][column[site]] += amount
        found[(table, row)][-1] += amount

    for site, issued, redeemed in vouchers:
        if within(issued):
            add("vouchers", "total", site)
            add("vouchers", "used" if redeemed else "unused", site)
        if redeemed and within(redeemed):
            add("vouchers_redeemed", "redeemed", site)
    seen = set()
    for event in (e for e in events if within(e.day)):
        add("activity", "activities", event.site)
        add("activity", "workshops" if event.type == "collectif" else "sessions", event.site)
        add("activity", "minutes", event.site, event.minutes)
        add("durations", next(bucket for bound, bucket in BUCKETS if event.minutes < bound), event.site)
        for device in event.devices or [""]:  # an activity counts once for each device used
            add("devices", device, event.site)
        add("places", event.place, event.site)
        named = len(event.present) + (event.learner is not None)
        add("participants", "named", event.site, named)
        add("participants", "anonymous", event.site, event.anonymous + (event.type == "individuel" and not named))
        if event.type == "collectif":  # every workshop is about email
            add("topics_digital", "email", event.site, len(event.present) + event.anonymous)
        seen |= {(event.site, learner) for learner in [*event.present, event.learner] if learner is not None}
    for site, learner in seen:
        person = by_id[learner]
        add("learners", "nouveau" if within(person.first_visit) else "deja_venu", site)
        add("learners", "total", site)
        add("gender", person.gender, site)
        add("age_band", person.age_band, site)
        add("qpv", "oui" if person.qpv else "non", site)
        add("social_status", person.status, site)
        add("communes", person.insee_code, site)
    for person in people:
        ratings = [(day, levels) for day, levels in person.ratings if within(day)]
        entry: dict[str, int] = {}
        latest: dict[str, int] = {}
        for _, levels in ratings:
            for code, level in levels.items():
                entry.setdefault(code, level)
                latest[code] = level
        socle = [code for code in entry if code in SOCLE]
        if socle:
            add("fragility_entry", "total", person.site)
            add("fragility_entry", "fragile", person.site, any(entry[code] < 3 for code in socle))
            add("fragility_latest", "fragile", person.site, any(latest[code] < 3 for code in socle))
        if len([levels for _, levels in ratings if any(code in SOCLE for code in levels)]) >= 2:
            add("paired_entry", "total", person.site)  # the same people, rated on the socle twice or more
            add("paired_entry", "fragile", person.site, any(entry[code] < 3 for code in socle))
            add("paired_latest", "fragile", person.site, any(latest[code] < 3 for code in socle))
        for code in entry:
            add(f"levels:{code}:entry", str(entry[code]), person.site)
            add(f"levels:{code}:latest", str(latest[code]), person.site)
            add(f"levels:{code}:entry", "total", person.site)
            if code in SOCLE and entry[code] < 3:
                add(f"autonomy:{code}", "total", person.site)
                add(f"autonomy:{code}", "became", person.site, latest[code] == 3)
        months: dict[str, dict[str, int]] = defaultdict(dict)
        for day, levels in ratings:
            months[f"{day:%Y-%m}"].update({code: level for code, level in levels.items() if code in SOCLE})
        for month, levels in months.items():
            if levels:
                add(f"fragility_month:{month}", "total", person.site)
                add(f"fragility_month:{month}", "fragile", person.site, any(v < 3 for v in levels.values()))
    return found


async def sixteen_competences(client, make) -> None:
    """A version 2 of the default framework with four more competences: 16 codes no longer fit the packed
    integers, so the report reads every level (`inclusion.reports.packed`)."""
    extra = [{"code": f"extra_{n}", "label": f"Compétence {n}", "socle": False} for n in range(4)]
    upload = EVERYDAY | {"competences": EVERYDAY["competences"] + extra}
    admin = await make.bearer(await make.user("admin"))
    assert (await client.post("/api/v1/frameworks", json=upload, headers=admin)).status_code == 201


@pytest.mark.parametrize("storage", ["packed", "levels"])
async def test_headline_and_divide_figures_match_a_recount(app, open_client, make, storage):
    """Every figure recounted, per site and for the whole set, matches exactly, rates and Wilson intervals too,
    whether the divide is read from the packed integers or from every level."""
    if storage == "levels":
        await sixteen_competences(open_client, make)
    assert (await default_framework())["packed"] is (storage == "packed")
    first, second = await make.site("A — Maison France Services"), await make.site("B — Médiathèque")
    people, events, vouchers = await build(make, random.Random(7), {first: 40, second: 25})
    admin = await make.bearer(await make.user("admin"))
    query = f"site={first}&site={second}&from=2025-01-01&to=2025-12-31"
    response = await open_client.get(f"/api/v1/reports/outcomes?{query}", headers=admin)
    assert response.status_code == 200, response.text
    report = response.json()
    assert [site["id"] for site in report["sites"]] == [first, second]
    tables = {table["key"]: table for table in report["tables"]}
    want = expected(people, events, vouchers, [first, second])
    compared = 0
    for (key, row), values in want.items():
        table = tables[{"learners": "learners"}.get(key, key)]
        if row == "minutes":
            cells = next(r for r in table["rows"] if r["key"] == "hours")["cells"]
            values = [round(minutes / 60, 2) for minutes in values]
        elif row == "total":
            cells = table["total"]["cells"]
        else:
            cells = next(r for r in table["rows"] if r["key"] == row)["cells"]
        assert [cell["value"] for cell in cells] == values, (key, row)
        compared += 1
    for key, assessed in (("fragility_entry", "fragility_entry"), ("fragility_latest", "fragility_entry"),
                          ("paired_entry", "paired_entry"), ("paired_latest", "paired_entry")):  # fmt: skip
        fragile, total = want[(key, "fragile")], want[(assessed, "total")]
        rates = tables[key]["rate"]["cells"]
        assert [r["value"] for r in rates] == [round(f / n, 4) for f, n in zip(fragile, total, strict=True)]
        assert [(r["low"], r["high"]) for r in rates] == [wilson(f, n) for f, n in zip(fragile, total, strict=True)]
    used, handed = want[("vouchers", "used")], want[("vouchers", "total")]
    assert [r["value"] for r in tables["vouchers"]["rate"]["cells"]] == [
        round(u / n, 4) for u, n in zip(used, handed, strict=True)
    ]
    shown = {key for key in tables if key.startswith(("levels:", "autonomy:", "fragility_month:"))}
    assert shown == {key for key, _ in want if key.startswith(("levels:", "autonomy:", "fragility_month:"))}
    fragile = want[("fragility_latest", "fragile")][-1]
    assert compared > 100 and 0 < fragile < want[("fragility_entry", "total")][-1]
    communes = {row["key"]: row["label"] for row in tables["communes"]["rows"]}
    assert communes["62643"] == "Outreau (62643)" and communes[""] == "Non renseignée"
    assert communes["75056"] == "Paris (75056)"  # named by the official table, though no site is in Paris
    assert [row["key"] for row in tables["durations"]["rows"]] == ["moins_30", "de_30_a_60", "de_60_a_120", "plus_120"]
    paired = want[("paired_entry", "total")][-1]
    assert 0 < want[("paired_latest", "fragile")][-1] < paired < want[("fragility_entry", "total")][-1]


async def test_a_competence_rated_under_two_versions_counts_once_from_first_to_last(app, open_client, make):
    """Rated 0 under version 1 then 3 under version 2 (same code): one learner, entry 0, latest 3, became autonomous."""
    site = await make.site("Espace Carnot")
    admin = await make.bearer(await make.user("admin"))
    adviser = await make.bearer(await make.user("adviser", site))
    learner = await make.learner(site)
    rate = {"learner_id": learner, "kind": "initial", "assessed_on": "2025-03-03", "levels": {"appareil": 0}}
    assert (await open_client.post("/api/v1/assessments", json=rate, headers=adviser)).status_code == 201
    upload = {
        "code": "autonomie_quotidien",
        "name": "Autonomie numérique du quotidien",
        "is_default": True,
        "scale": [{"level": level, "code": f"n{level}", "label": f"Niveau {level}"} for level in range(4)],
        "competences": [{"code": "appareil", "label": "Utiliser un appareil", "socle": True}],
    }
    assert (await open_client.post("/api/v1/frameworks", json=upload, headers=admin)).status_code == 201
    rate |= {"kind": "final", "assessed_on": "2025-06-02", "levels": {"appareil": 3}}
    created = await open_client.post("/api/v1/assessments", json=rate, headers=adviser)
    assert created.json()["version_number"] == 2
    query = f"site={site}&from=2025-01-01&to=2025-12-31"
    report = (await open_client.get(f"/api/v1/reports/outcomes?{query}", headers=admin)).json()
    tables = {table["key"]: table for table in report["tables"]}
    entry, latest = tables["levels:appareil:entry"], tables["levels:appareil:latest"]
    assert entry["total"]["cells"][0]["value"] == 1
    assert {row["key"]: row["cells"][0]["value"] for row in entry["rows"]}["0"] == 1
    assert {row["key"]: row["cells"][0]["value"] for row in latest["rows"]}["3"] == 1
    assert {row["key"]: row["cells"][0]["value"] for row in tables["autonomy:appareil"]["rows"]}["became"] == 1
    assert tables["fragility_latest"]["rows"][0]["cells"][0]["value"] == 0


def test_every_printed_rate_comes_from_the_exact_fraction():
    """43/62 = 69.354…% reads "69,4 %" (not "69,3 %" from a value first rounded to 0.6935); intervals and hours too;
    a bound is rounded the safe way."""
    assert figures.rate(43, 62, False)["display"] == "69,4 %"
    assert figures.rate(43, 62, False)["value"] == 0.6935  # JSON may carry the rounded float
    assert figures.rate(30, 62, True)["display"] == "48,4 % [36,4 – 60,6]"
    assert figures.number(Fraction(65300, 60)) == "1088,33" and figures.number(Fraction(90, 60)) == "1,5"
    assert figures.bounded_rate(80, False, True, 11)["display"] == "≥ 87,5 %"  # at most 10 of 80 are not fragile
    assert figures.bounded_rate(110, True, False, 11)["display"] == "≤ 9,1 %"  # 10/110 = 9.09…%: rounded up
    assert figures.bounded_rate(15, True, True, 11)["display"] == "entre 33,3 % et 66,7 %"


def test_communes_beyond_the_thirty_largest_are_summed_on_one_row():
    """35 communes: the 30 with the most learners by name or code, then "Autres communes", then "Non renseignée"."""
    rows = [{"site": 1, "dimension": "commune", "value": f"62{index:03d}", "n": 100 - index} for index in range(35)]
    rows.append({"site": 1, "dimension": "commune", "value": "", "n": 4})
    grid = breakdowns.commune_grid(Columns([1]), rows, {"62000": "Ablain"}, ("Apprenants", [sum(range(66, 101)) + 4]))
    labels = [label for _, label, _ in grid.rows]
    assert len(labels) == 32 and labels[0] == "Ablain (62000)" and labels[29] == "62029"
    assert labels[30:] == ["Autres communes", "Non renseignée"]
    assert grid.rows[30][2] == [70 + 69 + 68 + 67 + 66] * 2
