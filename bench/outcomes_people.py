"""Seeded rows for `outcomes_data.py`: network sizes, sites, advisers, learners and their assessments.

Everything here is plain Python (no database): functions return or append row tuples in the column
order of the `*_COLUMNS` constants, so the loader can hand them to asyncpg's binary COPY as they are.
Dates are handled as proleptic ordinals (`date.toordinal()`) and turned into `date`/`datetime` objects
through small caches, which keeps a row at a few microseconds.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import date

from inclusion.learners.names import name_key, search_key
from inclusion.learners.retention import cutoff
from inclusion.vocabulary import age_band_for

HISTORY_DAYS = 5 * 365 + 1  # five years of activity, ending today
RETENTION_MONTHS = 24  # files without contact for longer are anonymised, as the app's daily purge does
FULL = {"sites": 3000, "advisers": 4000, "learners": 1_000_000, "activities": 5_000_000}
LARGEST_SHARE = 0.05  # the biggest site holds 5 % of the learners: ≈ 50,000 at scale 1.0
KINDS = (("france_services", 34), ("mediatheque", 14), ("centre_social", 15), ("epn", 15), ("association", 12),
         ("bus_itinerant", 4), ("autre", 6))  # fmt: skip
KIND_NAMES = {"france_services": "France Services", "mediatheque": "Médiathèque", "centre_social": "Centre social",
              "epn": "Espace public numérique", "association": "Association", "bus_itinerant": "Bus numérique",
              "autre": "Point d'accueil numérique"}  # fmt: skip
CITIES = (("75056", "75001", "Paris"), ("13055", "13001", "Marseille"), ("69123", "69001", "Lyon"),
          ("31555", "31000", "Toulouse"), ("06088", "06000", "Nice"), ("44109", "44000", "Nantes"),
          ("34172", "34000", "Montpellier"), ("67482", "67000", "Strasbourg"), ("33063", "33000", "Bordeaux"),
          ("59350", "59000", "Lille"), ("35238", "35000", "Rennes"), ("51454", "51100", "Reims"),
          ("83137", "83000", "Toulon"), ("42218", "42000", "Saint-Étienne"), ("76351", "76600", "Le Havre"),
          ("38185", "38000", "Grenoble"), ("21231", "21000", "Dijon"), ("49007", "49000", "Angers"),
          ("30189", "30000", "Nîmes"), ("63113", "63000", "Clermont-Ferrand"), ("2A004", "20000", "Ajaccio"),
          ("97411", "97400", "Saint-Denis"), ("97209", "97200", "Fort-de-France"), ("62667", "62480", "Le Portel"),
          ("93066", "93200", "Saint-Denis"), ("59512", "59100", "Roubaix"), ("80021", "80000", "Amiens"),
          ("87085", "87000", "Limoges"), ("66136", "66000", "Perpignan"), ("57463", "57000", "Metz"))  # fmt: skip
DEPARTMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
FIRST_NAMES = {
    "feminin": ("Monique", "Josiane", "Françoise", "Nathalie", "Sylvie", "Karine", "Fatima", "Aïcha", "Léa",
                "Chloé", "Inès", "Manon", "Marie-Thérèse", "Nadia", "Céline", "Océane"),
    "masculin": ("Jean-Pierre", "Michel", "Gérard", "Thierry", "Pascal", "Karim", "Mohamed", "Youssef", "Lucas",
                 "Hugo", "Kévin", "Mehdi", "Bernard", "David", "Sébastien", "Mamadou"),
}  # fmt: skip
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau", "Simon",
              "Laurent", "Lefèvre", "Michel", "Garcia", "Roux", "Fournier", "Morel", "Girard", "Mercier", "Dupont",
              "Lambert", "Bonnet", "Benali", "Nguyen", "Diallo", "Traoré", "Haddad", "Caron", "D'Hondt", "Sénéchal",
              "Le Gall", "Hoarau", "Payet", "Lemaître", "Mendy", "Carpentier")  # fmt: skip
BIRTH_YEARS = (((1935, 1954), 30), ((1955, 1964), 24), ((1965, 1984), 24), ((1985, 1999), 14), ((2000, 2010), 8))
ASSESSMENT_COUNTS = (
    (0, 6),
    (1, 13),
    (2, 15),
    (3, 18),
    (4, 18),
    (5, 16),
    (6, 14),
)  # 3.3 planned, ≈ 3.0 once cut at today
EXTRA_COUNTS = (0, 1, 2, 2, 3, 4, 6)
SITE_COLUMNS = ("id", "name", "kind", "address", "postal_code", "city", "insee_code", "siret", "itinerant",
                "opening_hours", "created_at", "updated_at")  # fmt: skip
USER_COLUMNS = ("id", "email", "display_name", "password_hash", "role", "is_active", "created_at", "last_login_at")
USER_SITE_COLUMNS = ("id", "user", "site")
# columns left out of a COPY (pseudonym, email, notes, merged_into, note…) take their default: '' or NULL
LEARNER_COLUMNS = ("id", "site", "first_name", "last_name", "name_key", "search_key", "birth_year", "age_band",
                   "gender", "social_status", "insee_code", "qpv", "rural", "phone", "consent_on",
                   "consent_follow_up", "consent_certificate", "first_visit_on", "last_contact_on", "anonymised_at",
                   "created_by", "created_at", "updated_at")  # fmt: skip
ASSESSMENT_COLUMNS = (
    "id",
    "learner",
    "site",
    "version",
    "assessed_on",
    "kind",
    "assessor",
    "created_at",
    "levels_packed",
)
LEVEL_COLUMNS = ("id", "assessment", "competence", "level")


def weighted(pairs) -> tuple:
    """Each value repeated `weight` times: `pick` then draws with one `random()` (`choices` costs 10x more)."""
    return tuple(value for value, weight in pairs for _ in range(weight))


def pick(rng: random.Random, values: tuple):
    return values[int(rng.random() * len(values))]


def growth(rng: random.Random) -> float:
    """A share of the history window, drawn with a density rising from 0.5 to 1.5: the programme grows,
    three times as many new learners and activities in its last month as in its first."""
    draw = rng.random()
    return draw if rng.random() < 0.5 else math.sqrt(draw)


def spread(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` that add up exactly to `total` (cumulative rounding)."""
    whole, done, out, running = sum(weights), 0, [], 0.0
    for weight in weights:
        running += weight
        upto = round(total * running / whole)
        out.append(upto - done)
        done = upto
    return out


class Calendar:
    """Ordinal day numbers → `date`, and to timestamps in the form `outcomes_load.connect` registers for
    timestamptz: `(microseconds since 2000-01-01 UTC,)`, which asyncpg packs without the ≈ 1 µs per value an
    aware `datetime` costs it. Both cached; the history window ends today."""

    def __init__(self, today: date) -> None:
        self.today = today.toordinal()
        self.start = self.today - HISTORY_DAYS + 1
        self.purge_before = cutoff(today, RETENTION_MONTHS).toordinal()
        self._dates = [date.fromordinal(self.start + i) for i in range(HISTORY_DAYS)]
        epoch = date(2000, 1, 1).toordinal()
        self._stamps = [[(((self.start + i - epoch) * 24 + hour) * 3_600_000_000,) for hour in range(24)]
                        for i in range(HISTORY_DAYS)]  # fmt: skip

    def day(self, ordinal: int) -> date:
        return self._dates[ordinal - self.start]

    def stamp(self, ordinal: int, hour: int) -> tuple[int]:
        return self._stamps[min(ordinal, self.today) - self.start][hour]


@dataclass
class SitePlan:
    id: int
    learners: int
    activities: int
    kind: str = ""
    insee: str = ""
    advisers: list[int] = field(default_factory=list)
    first_learner: int = 0  # id of the site's first learner; its learners' ids follow


def plan_network(scale: float, rng: random.Random) -> list[SitePlan]:
    """Site sizes: the top 1 % follow a rank-size law from 5 % of all learners down, the rest log-normal (σ 0.6)."""
    n_sites = max(1, round(FULL["sites"] * scale))
    n_learners = max(n_sites, round(FULL["learners"] * scale))
    top = max(1, round(n_sites / 100))
    shares = [LARGEST_SHARE * rank**-0.8 for rank in range(1, top + 1)]
    if n_sites > top:
        tail = [rng.lognormvariate(0, 0.6) for _ in range(n_sites - top)]
        rest, whole = 1 - sum(shares), sum(tail)
        shares += [min(value * rest / whole, shares[-1]) for value in tail]
    rng.shuffle(shares)
    learners = spread(n_learners, shares)
    activities = spread(round(FULL["activities"] * scale), shares)
    sites = [SitePlan(i + 1, n, a) for i, (n, a) in enumerate(zip(learners, activities, strict=True))]
    extra = spread(max(n_sites, round(FULL["advisers"] * scale)) - n_sites, shares)
    user_id, learner_id = 2, 1  # user 1 is the bench admin
    kinds = weighted(KINDS)
    big = sorted(sites, key=lambda s: -s.learners)[: len(CITIES)]
    for site in sites:
        site.kind = "france_services" if site in big[:3] else pick(rng, kinds)
        if site in big:
            site.insee = CITIES[big.index(site)][0]
        else:
            department = rng.choice(DEPARTMENTS)
            site.insee = department + f"{rng.randrange(1, 10 ** (5 - len(department))):0{5 - len(department)}d}"
        site.advisers = list(range(user_id, user_id + 1 + extra[site.id - 1]))
        user_id += len(site.advisers)
        site.first_learner, learner_id = learner_id, learner_id + site.learners
    return sites


def site_rows(sites: list[SitePlan], calendar: Calendar, rng: random.Random) -> list[tuple]:
    week = json.dumps([{"day": d, "opens": o, "closes": c} for d in ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
                       for o, c in (("09:00", "12:00"), ("13:30", "17:30"))])  # fmt: skip
    cities = {code: (postal, city) for code, postal, city in CITIES}
    rows = []
    for site in sites:
        postal, city = cities.get(site.insee, (site.insee.replace("A", "0").replace("B", "0"), f"Commune {site.insee}"))
        bus = site.kind == "bus_itinerant"
        name = f"{KIND_NAMES[site.kind]} — {city} ({site.id})"
        created = calendar.stamp(calendar.start, 8)  # before the first activity
        address = "" if bus else f"{rng.randrange(1, 120)} rue de la République"
        rows.append((site.id, name, site.kind, address, postal, city, site.insee, None, bus, "[]" if bus else week,
                     created, created))  # fmt: skip
    return rows


def user_rows(sites: list[SitePlan], password_hash: str, calendar: Calendar, rng: random.Random):
    """The bench admin (id 1) and every site's advisers; their `user_site` links."""
    created = calendar.stamp(calendar.start, 8)
    users = [(1, "admin@bench.inclusion.test", "Administration du banc", password_hash, "admin", True, created, None)]
    links = []
    for site in sites:
        for user_id in site.advisers:
            gender = rng.choice(("feminin", "masculin"))
            display = f"{rng.choice(FIRST_NAMES[gender])} {rng.choice(LAST_NAMES)}"
            email = f"conseiller{user_id:05d}@bench.inclusion.test"
            users.append((user_id, email, display, password_hash, "adviser", True, created, None))
            links.append((len(links) + 1, user_id, site.id))
    return users, links


class People:
    """Learners of one site at a time, with their assessments and levels, appended to three row lists."""

    def __init__(self, calendar, version_id: int, competences: list[tuple[int, str, bool, int]], first_id=1, step=1):
        self.calendar = calendar
        self.version_id = version_id
        self.socle = [cid for cid, _, socle, _ in competences if socle]
        self.extras = [cid for cid, _, socle, _ in competences if not socle]
        self.shift = {cid: 4 * slot for cid, _, _, slot in competences}  # assessment.levels_packed, as triggers fill it
        self.keys: dict[tuple[str, str], tuple[str, str]] = {}
        self.bands = {
            year: age_band_for(year, date.fromordinal(calendar.today).year).value for year in range(1900, 2030)
        }
        self.this_year = date.fromordinal(calendar.today).year
        self.births, self.counts = weighted(BIRTH_YEARS), weighted(ASSESSMENT_COUNTS)
        self.assessment_id = self.level_id = first_id  # ids go first_id, first_id + step…: processes interleave
        self.step = step

    def site(self, site: SitePlan, rng: random.Random, spans: list, learners: list, assessments: list, levels: list):
        """Append the site's rows, yielding every few hundred learners (so the caller can flush);
        `spans` receives each learner's (first visit, last contact) ordinals, in id order."""
        cal, counts = self.calendar, self.counts
        plans = []
        for _ in range(site.learners):
            k = pick(rng, counts)
            offsets = [0 if rng.random() < 0.7 else rng.randrange(1, 15)]
            for _ in range(k - 1):
                offsets.append(offsets[-1] + 21 + int(rng.random() * 100))
            tail = 0 if rng.random() < 0.4 else int(-math.log(1 - rng.random()) * 45)
            first = cal.start + int(growth(rng) * HISTORY_DAYS)
            room = cal.today - first  # a recent learner's path is cut at today: fewer assessments so far
            span = min(room, (offsets[-1] if k else 0) + tail)
            plans.append((first, span, [offset for offset in offsets[:k] if offset <= room]))
        plans.sort(key=lambda plan: plan[0])  # ids follow first visits, as files are created on the first visit
        for index, (first, span, offsets) in enumerate(plans):
            learner_id = site.first_learner + index
            spans.append((first, first + span))
            learners.append(self._learner(learner_id, site, first, first + span, rng))
            if offsets:
                self._assessments(learner_id, site, first, offsets, rng, assessments, levels)
            if index % 500 == 499:
                yield

    def _learner(self, learner_id: int, site: SitePlan, first: int, last: int, rng: random.Random) -> tuple:
        cal, draw = self.calendar, rng.random()
        gender = "feminin" if draw < 0.58 else "masculin" if draw < 0.96 else "non_communique"
        first_name = pick(rng, FIRST_NAMES["feminin" if gender == "feminin" or draw > 0.98 else "masculin"])
        last_name = pick(rng, LAST_NAMES)
        keys = self.keys.get((first_name, last_name))
        if keys is None:
            keys = self.keys[first_name, last_name] = (
                name_key(first_name, last_name),
                search_key(first_name, last_name, ""),
            )
        if rng.random() < 0.05:
            birth_year, band, age = None, "non_communique", 45
        else:
            low, high = pick(rng, self.births)
            birth_year = low + int(rng.random() * (high - low + 1))
            band, age = self.bands[birth_year], self.this_year - birth_year
        status = _status(age, rng.random())
        insee = site.insee if rng.random() < 0.65 else _neighbour(site.insee, rng)
        qpv = rng.random() < 0.22
        rural = not qpv and rng.random() < 0.12
        phone = (
            f"06 {rng.randrange(10, 100)} {rng.randrange(10, 100)} {rng.randrange(10, 100)} 00" if draw < 0.2 else ""
        )
        adviser = site.advisers[int(rng.random() * len(site.advisers))]
        created = cal.stamp(first, 9 + int(rng.random() * 8))
        updated = cal.stamp(last, 9 + int(rng.random() * 8))
        consent_on, anonymised = cal.day(first), None
        if last < cal.purge_before:  # the daily purge would have anonymised it: erased as `lifecycle.anonymise` does
            anonymised = updated = cal.stamp(last + 731, 0)  # at most today 00:00: never in the future
            first_name = last_name = phone = ""
            keys, birth_year, consent_on = ("", ""), None, None
        return (learner_id, site.id, first_name, last_name, keys[0], keys[1], birth_year, band, gender, status,
                insee, qpv, rural, phone, consent_on, rng.random() < 0.85, rng.random() < 0.5, cal.day(first),
                cal.day(last), anonymised, adviser, created, updated)  # fmt: skip

    def _assessments(self, learner_id, site, first, offsets, rng, assessments, levels) -> None:
        """Initial, then intermediaire, the last one sometimes final; levels mostly rising (≈ 60 % fragile at entry)."""
        socle = self.socle if rng.random() < 0.7 else rng.sample(self.socle, len(self.socle) - rng.choice((1, 1, 2)))
        pool = socle + rng.sample(self.extras, min(len(self.extras), rng.choice(EXTRA_COUNTS)))
        confident = 0.34 + 0.16 * (first - self.calendar.start) / HISTORY_DAYS  # newcomers get less fragile
        if rng.random() < confident:  # autonomous in every socle competence from the start
            current = {cid: 3 if cid in socle else pick(rng, (1, 2, 3, 3)) for cid in pool}
        else:
            base = pick(rng, (0, 1, 2, 2, 2))
            current = {cid: min(3, max(0, base + pick(rng, (-1, 0, 0, 1, 1)))) for cid in pool}
            if all(current[cid] == 3 for cid in socle):
                current[rng.choice(socle)] = 2
        rise = pick(rng, (0.25, 0.5, 0.65, 0.75, 0.85))
        last_step, random_, append = len(offsets) - 1, rng.random, levels.append
        final = last_step > 0 and random_() < 0.6
        assessment_id, level_id, step_id = self.assessment_id, self.level_id, self.step
        for step, offset in enumerate(offsets):
            day = first + offset
            kind = "initial" if step == 0 else "final" if step == last_step and final else "intermediaire"
            adviser = site.advisers[int(random_() * len(site.advisers))]
            row = [assessment_id, learner_id, site.id, self.version_id, self.calendar.day(day), kind, adviser,
                   self.calendar.stamp(day, 10 + int(random_() * 7)), 0]  # fmt: skip
            for cid in pool:
                level = current[cid]
                if step:
                    draw = random_()
                    if draw < rise:
                        current[cid] = level = min(3, level + 1)
                    elif draw > 0.95 and 0 < level < 3:  # forgetting, never below the start of autonomy
                        current[cid] = level = level - 1
                append((level_id, assessment_id, cid, level))
                row[-1] += (level + 1) << self.shift[cid]
                level_id += step_id
            assessments.append(tuple(row))
            assessment_id += step_id
        self.assessment_id, self.level_id = assessment_id, level_id


def _status(age: int, draw: float) -> str:
    if age >= 65:
        return "retraite" if draw < 0.95 else "non_communique"
    if age >= 60:
        return "retraite" if draw < 0.6 else "sans_emploi" if draw < 0.85 else "en_emploi"
    if age >= 26:
        return "sans_emploi" if draw < 0.5 else "en_emploi" if draw < 0.9 else "non_communique"
    return "scolarise" if draw < 0.4 else "sans_emploi" if draw < 0.8 else "en_emploi"


def _neighbour(insee: str, rng: random.Random) -> str:
    """Another commune of the same département."""
    department = insee[:3] if insee.startswith("97") else insee[:2]
    digits = 5 - len(department)
    return department + f"{rng.randrange(1, 10**digits):0{digits}d}"
