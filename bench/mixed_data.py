"""The seeded network of `mixed_load.py`, built through the API of a running server.

Sites, their advisers, funders with grants (admin token); then, with each site's adviser tokens, a few hundred
learners per site and their history: assessments (see `learners_assessments.assessment_plans`), individual sessions
and workshops dated between their first visit (last 18 months) and yesterday. Accounts are created through the API;
their API tokens are written straight into `api_token` (SHA-256 as the app stores them: the API hands out tokens
only to a logged-in session, and one `inclusion token create` process per account costs a second each).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import secrets
import sqlite3
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, timedelta

import asyncpg
from learners_assessments import FIRST_NAMES, GENDERS, LAST_NAMES, assessment_plans, get_json, run_phase
from outcomes_people import CITIES, KIND_NAMES

SITE_KINDS = ("france_services", "mediatheque", "centre_social", "epn", "association")
FUNDER_TYPES = ("etat_prefecture", "departement", "commune", "caf", "fondation")
DIGITAL_TOPICS = (
    "prendre_en_main_du_materiel navigation_sur_internet email bureautique securite_numerique sante "
    "banque_et_achats_en_ligne insertion_professionnelle aide_aux_demarches_administratives reseaux_sociaux "
    "gere_ses_contenus_numeriques parentalite intelligence_artificielle culture_numerique"
).split()
ADMIN_TOPICS = "social_sante travail_formation logement argent_impots famille_scolarite transports_mobilite".split()
WORKSHOP_TITLES = (
    "Premiers pas sur ordinateur",
    "Créer son adresse e-mail",
    "France Connect et impots.gouv",
    "Sécuriser son smartphone",
    "Ameli et Doctolib",
    "Faire ses achats en ligne sans risque",
    "Trier ses photos",
    "Candidater en ligne",
)
STATUSES = ("sans_emploi", "en_emploi", "retraite", "retraite", "non_communique")
HISTORY_DAYS = 540  # first visits over the last 18 months: nothing near the 24-month retention purge


@dataclass
class SiteData:
    id: int
    name: str
    tokens: list[str] = field(default_factory=list)  # its advisers', one each
    learners: list[tuple[int, str, date]] = field(default_factory=list)  # id, last name, first visit
    assessed: set[int] = field(default_factory=set)


@dataclass
class FunderData:
    name: str
    token: str
    site_ids: list[int]


@dataclass
class Network:
    sites: list[SiteData]
    funders: list[FunderData]
    codes: list[str]  # competences of the default framework's current version
    counts: dict[str, int]
    seconds: dict[str, float]


def learner_body(rng: random.Random, today: date) -> dict:
    age = 1 + rng.triangular(0, HISTORY_DAYS, HISTORY_DAYS * 0.2)  # up to yesterday, more newcomers lately
    return {
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(LAST_NAMES),
        "birth_year": rng.randint(1938, 2008),
        "gender": rng.choice(GENDERS),
        "social_status": rng.choice(STATUSES),
        "qpv": rng.random() < 0.2,
        "first_visit_on": (today - timedelta(days=int(age))).isoformat(),
        "confirm_duplicate": True,
    }


def session_body(rng: random.Random, learner_id: int | None, day: date) -> dict:
    """An individual session: a learner's file, or an anonymous person when `learner_id` is None."""
    body = {
        "type": "individuel",
        "date": day.isoformat(),
        "duration_minutes": rng.choice((20, 30, 45, 60, 90)),
        "digital_topics": rng.sample(DIGITAL_TOPICS, rng.randint(1, 2)),
        "devices": [rng.choice(("ordinateur", "telephone", "telephone", "tablette"))],
        "autonomy": rng.choice(("entierement_accompagne", "partiellement_autonome", "autonome")),
    }
    if rng.random() < 0.3:
        body["admin_topics"] = rng.sample(ADMIN_TOPICS, 1)
        if "aide_aux_demarches_administratives" not in body["digital_topics"]:  # the démarches come with it
            body["digital_topics"].append("aide_aux_demarches_administratives")
    if learner_id is None:
        body["anonymous_person"] = {"gender": rng.choice(GENDERS), "age_band": "soixante_dix_plus"}
    else:
        body["learner_id"] = learner_id
    return body


def workshop_body(rng: random.Random, learner_ids: list[int], day: date) -> dict:
    """A workshop with 4-10 of `learner_ids` (90 % present) and 0-3 anonymous participants."""
    chosen = rng.sample(learner_ids, min(len(learner_ids), rng.randint(4, 10)))
    anonymous = rng.choice((0, 0, 1, 2, 3))
    women = rng.randint(0, anonymous)
    return {
        "type": "collectif",
        "date": day.isoformat(),
        "start_time": rng.choice(("09:30", "10:00", "14:00", "14:30")),
        "duration_minutes": rng.choice((90, 120, 120, 180)),
        "title": rng.choice(WORKSHOP_TITLES),
        "level": rng.choice(("debutant", "debutant", "intermediaire", "avance")),
        "digital_topics": rng.sample(DIGITAL_TOPICS, rng.randint(1, 3)),
        "participants": [{"learner_id": i, "present": rng.random() < 0.9} for i in chosen],
        "anonymous_count": anonymous,
        "anonymous_breakdown": {"gender": {"feminin": women, "masculin": anonymous - women}},
    }


def insert_tokens(database_url: str, user_ids: list[int]) -> dict[int, str]:
    """One API token per user, written as `inclusion token create` does (SHA-256 stored, `inc_` prefix); the
    creation time is copied from the first token (the admin's), so the column keeps the app's own format."""
    raws = {user_id: "inc_" + secrets.token_urlsafe(32) for user_id in user_ids}
    rows = [(user_id, "bench", hashlib.sha256(raw.encode()).hexdigest(), raw[:10]) for user_id, raw in raws.items()]
    insert = 'INSERT INTO api_token ("user", name, token_hash, prefix, created_at) SELECT {}, {}, {}, {}, created_at '
    insert += "FROM api_token ORDER BY id LIMIT 1"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(urllib.parse.urlsplit(database_url).path) as connection:
            connection.executemany(insert.format("?", "?", "?", "?"), rows)
    else:

        async def write() -> None:
            connection = await asyncpg.connect(database_url)
            try:
                await connection.executemany(insert.format("$1", "$2", "$3", "$4"), rows)
            finally:
                await connection.close()

        asyncio.run(write())
    return raws


async def post_all(port: int, token: str, bodies: list[tuple[str, dict]], concurrency: int) -> list[dict]:
    """POST every (path, body); the answers in order. Any error stops the setup."""
    answers: list[dict] = [{}] * len(bodies)

    def keep(index: object, payload: bytes) -> None:
        answers[index] = json.loads(payload)  # type: ignore[index]

    jobs = [("POST", path, json.dumps(body).encode(), index) for index, (path, body) in enumerate(bodies)]
    figures = await run_phase(port, token, jobs, concurrency, keep)
    if figures["errors"]:
        raise SystemExit(f"setup: {figures['errors']} errors, e.g. {figures['error_samples']}")
    return answers


def build(port: int, admin_token: str, database_url: str, args, today: date) -> Network:
    """Sites, advisers, funders and tokens, then each site's learners and history (seeded by `args.seed`)."""
    rng = random.Random(args.seed)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    framework = next(f for f in get_json(port, admin_token, "/api/v1/frameworks") if f["is_default"])
    codes = [c["code"] for c in next(v for v in framework["versions"] if v["is_current"])["competences"]]
    site_bodies = []
    for index in range(args.sites):
        insee, postal, city = CITIES[index % len(CITIES)]
        kind = rng.choice(SITE_KINDS)
        name = f"{KIND_NAMES[kind]} {city} {index + 1:02d}"
        site_bodies.append(
            ("/api/v1/sites", {"name": name, "kind": kind, "insee_code": insee, "city": city, "postal_code": postal})
        )
    made = asyncio.run(post_all(port, admin_token, site_bodies, 4))
    sites = [SiteData(site["id"], site["name"]) for site in made]
    user_bodies = [
        (
            "/api/v1/users",
            {
                "email": f"conseiller{s.id:03d}-{n}@bench.inclusion.test",
                "role": "adviser",
                "display_name": f"Conseiller {n} de {s.name}",
                "site_ids": [s.id],
            },
        )
        for s in sites
        for n in range(1, args.advisers_per_site + 1)
    ]
    funders = max(1, args.funders)
    user_bodies += [
        (
            "/api/v1/users",
            {"email": f"financeur{n:02d}@bench.inclusion.test", "role": "funder", "display_name": f"Financeur {n}"},
        )
        for n in range(1, funders + 1)
    ]
    users = asyncio.run(post_all(port, admin_token, user_bodies, 4))
    tokens = insert_tokens(database_url, [user["id"] for user in users])
    for user in users[: len(sites) * args.advisers_per_site]:
        next(s for s in sites if s.id == user["site_ids"][0]).tokens.append(tokens[user["id"]])
    funder_bodies, funder_users = [], users[len(sites) * args.advisers_per_site :]
    for n, user in enumerate(funder_users):
        # the first funder (the State) funds every site, the others a few each
        covered = sites if n == 0 else rng.sample(sites, rng.randint(min(2, len(sites)), min(8, len(sites))))
        grants = [
            {
                "site_id": s.id,
                "starts_on": (today - timedelta(days=rng.randint(400, 800))).isoformat(),
                "ends_on": (today + timedelta(days=rng.randint(30, 400))).isoformat(),
                "amount_cents": rng.randint(5, 60) * 100_000,
            }
            for s in covered
        ]
        funder_type = FUNDER_TYPES[n % len(FUNDER_TYPES)]
        body = {"name": f"{user['display_name']} ({funder_type})", "type": funder_type, "grants": grants}
        funder_bodies.append(("/api/v1/funders", body | {"user_ids": [user["id"]]}))
    made = asyncio.run(post_all(port, admin_token, funder_bodies, 2))
    funder_list = [
        FunderData(f["name"], tokens[f["user_ids"][0]], sorted({g["site_id"] for g in f["grants"]})) for f in made
    ]
    seconds["accounts"] = time.perf_counter() - clock

    clock = time.perf_counter()
    per_site = max(2, -(-args.concurrency // len(sites)))
    plans = [
        [learner_body(random.Random(f"{args.seed}:{s.id}:{n}"), today) for n in range(args.learners_per_site)]
        for s in sites
    ]
    answers = asyncio.run(
        gather_sites(port, sites, [[("/api/v1/learners", b) for b in plan] for plan in plans], per_site)
    )
    for site, plan, made in zip(sites, plans, answers, strict=True):
        site.learners = [
            (a["id"], b["last_name"], date.fromisoformat(b["first_visit_on"])) for a, b in zip(made, plan, strict=True)
        ]
    seconds["learners"] = time.perf_counter() - clock

    clock = time.perf_counter()
    history = [site_history(random.Random(f"{args.seed}:{s.id}:history"), s, codes, today) for s in sites]
    asyncio.run(gather_sites(port, sites, history, per_site))
    seconds["history"] = time.perf_counter() - clock
    counts = {
        "sites": len(sites),
        "advisers": len(sites) * args.advisers_per_site,
        "funders": len(funder_list),
        "learners": sum(len(s.learners) for s in sites),
        "assessments": 0,
        "sessions": 0,
        "workshops": 0,
    }
    for bodies in history:
        for path, body in bodies:
            kind = "assessments" if path.endswith("assessments") else f"{body['type']}"
            counts[{"individuel": "sessions", "collectif": "workshops"}.get(kind, kind)] += 1
    return Network(sites, funder_list, codes, counts, seconds)


async def gather_sites(port: int, sites: list[SiteData], bodies: list[list], per_site: int) -> list[list[dict]]:
    """Each site's bodies with its first adviser's token, every site at once."""
    return await asyncio.gather(*(post_all(port, s.tokens[0], b, per_site) for s, b in zip(sites, bodies, strict=True)))


def site_history(rng: random.Random, site: SiteData, codes: list[str], today: date) -> list[tuple[str, dict]]:
    """Past assessments (70 % of learners, 1.8 each on average), one individual session per learner on average
    and a workshop per 10 learners, shuffled so that no kind of request comes last."""
    yesterday = today - timedelta(days=1)
    chosen = [learner for learner in site.learners if rng.random() < 0.7]
    files = [{"first_visit_on": min(first, yesterday).isoformat()} for _, _, first in chosen]
    bodies = []
    for index, body in assessment_plans(rng, files, int(len(files) * 1.8), codes, yesterday):
        bodies.append(("/api/v1/assessments", {"learner_id": chosen[index][0], **body}))
        site.assessed.add(chosen[index][0])
    for _ in range(len(site.learners)):
        learner_id, _, first = rng.choice(site.learners)
        anonymous = rng.random() < 0.2
        day = min(yesterday, first + timedelta(days=rng.randint(0, max(0, (today - first).days))))
        bodies.append(("/api/v1/activities", session_body(rng, None if anonymous else learner_id, day)))
    for _ in range(max(1, len(site.learners) // 10)):
        day = today - timedelta(days=rng.randint(1, HISTORY_DAYS))
        known = [learner_id for learner_id, _, first in site.learners if first <= day]
        if len(known) >= 4:
            bodies.append(("/api/v1/activities", workshop_body(rng, known, day)))
    rng.shuffle(bodies)
    return bodies
