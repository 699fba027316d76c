"""Demo data for a first start, relative to today: a France Services site and a digital bus, one account per role
(and the bus's mediator), learners at both with their assessments, sessions, workshops, learners' opinions and
attendance, Pass numérique booklets, handed and used vouchers and claims, and a few certificates. Deterministic and
added once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from inclusion import clock
from inclusion.accounts.passwords import hash_password
from inclusion.demo.activities import insert_activities, insert_attendance, last_contacts, plan_attendance
from inclusion.demo.agenda import SiteAgenda, plan_agenda
from inclusion.demo.catalogue import BUS_STOPS, BUS_WEEK, CARNOT_WEEK
from inclusion.demo.certificates import seed_certificates
from inclusion.demo.feedback import seed_feedback
from inclusion.demo.learners import BUS_COHORT, CARNOT_COHORT, Cohort, insert_learners, plan_learners
from inclusion.demo.planned import seed_planned
from inclusion.demo.vouchers import seed_vouchers
from inclusion.scoping import ROLE_LABELS, Role
from inclusion.storage import db
from inclusion.storage.tables.accounts import User, UserSite
from inclusion.storage.tables.funders import Funder, FunderUser, Grant
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.sites import Site

DEMO_PASSWORD = "inclusion-demo"
CARNOT = "Espace Carnot — Maison France Services, Le Portel"
ADVISER = "conseiller@demo.inclusion.test"  # assesses and creates the demo learners, hands and uses the Pass
COORDINATOR = "coordination@demo.inclusion.test"  # receives the booklets and claims reimbursement
BUS = "Bus numérique du Boulonnais"
BUS_ADVISER = "mediatrice.bus@demo.inclusion.test"  # records the bus's sessions and workshops
FUNDER = "Préfecture du Pas-de-Calais"
FUNDER_ACCOUNT = "financeur@demo.inclusion.test"

_WEEK = [
    {"day": day, "opens": opens, "closes": closes}
    for day in ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
    for opens, closes in (("09:00", "12:00"), ("13:30", "17:30"))
]
SITES = [
    {
        "name": CARNOT,
        "kind": "france_services",
        "address": "Rue Carnot",
        "postal_code": "62480",
        "city": "Le Portel",
        "insee_code": "62667",
        "itinerant": False,
        "opening_hours": _WEEK,
        # described in the national places standard, so the demo shows a published site (the bus is left incomplete)
        "siret": "62000000000005",
        "typologies": ["RFS"],
        "summary": "Maison France Services : aide aux démarches en ligne et ateliers numériques.",
        "phone": "+33321000000",
        "services": ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"],
        "fees": ["Gratuit"],
        "access_modes": ["Se présenter", "Téléphoner"],
        "support_modes": ["Accompagnement individuel", "Dans un atelier collectif"],
        "national_programmes": ["France Services", "Conseillers numériques"],
    },
    {
        "name": BUS,
        "kind": "bus_itinerant",
        "address": "Samer, Desvres, Marquise et Wimille",
        "postal_code": "62200",
        "city": "Boulogne-sur-Mer",
        "insee_code": "62160",
        "itinerant": True,
        "opening_hours": [],
    },
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: Role
    sites: tuple[str, ...]

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


ACCOUNTS = [
    DemoAccount("admin@demo.inclusion.test", "Alice Administratrice", Role.admin, ()),
    DemoAccount(COORDINATOR, "Claire Coordinatrice", Role.coordinator, (CARNOT, BUS)),
    DemoAccount(ADVISER, "Karim Conseiller", Role.adviser, (CARNOT,)),
    DemoAccount(BUS_ADVISER, "Sophie Médiatrice", Role.adviser, (BUS,)),
    DemoAccount(FUNDER_ACCOUNT, "Fanny Financeuse", Role.funder, (CARNOT,)),
]


async def seed_funder(site_id: int) -> int:
    """The demo funder, its grant on Espace Carnot (every demo date) and the demo funder account, unless that
    account belongs to a funder already (an older database, whose migration gave it a funder of its own)."""
    if await Funder.exists().where(Funder.name == FUNDER).run():
        return 0
    funder = Funder(name=FUNDER, type="etat_prefecture")
    await funder.save().run()
    today = clock.today()
    grant = Grant(
        funder=funder.id,
        site=site_id,
        starts_on=date(today.year - 2, 1, 1),
        ends_on=date(today.year + 1, 12, 31),
        amount_cents=4_500_000,
    )
    await grant.save().run()
    account = await User.select(User.id).where(User.email == FUNDER_ACCOUNT).first().run()
    if account is not None and not await FunderUser.exists().where(FunderUser.user == account["id"]).run():
        await FunderUser.insert(FunderUser(funder=funder.id, user=account["id"])).run()
    return 2


CARNOT_AGENDA = SiteAgenda(7, CARNOT_WEEK, walk_ins=4.0)  # a Maison France Services: démarches every day
BUS_AGENDA = SiteAgenda(8, BUS_WEEK, (0, 2, 3), walk_ins=0.4, busy_days=2, stops=BUS_STOPS)
BUS_NOTES = {day: " ; ".join(note for stop, note in BUS_STOPS.values() if stop == day) for day in (0, 2, 3)}
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


async def has_users() -> bool:
    return await User.exists().run()


async def _user_id(email: str) -> int | None:
    row = await User.select(User.id).where(User.email == email).first().run()
    return row["id"] if row else None


async def seed_site(site_id: int, adviser_id: int | None, cohort: Cohort, agenda: SiteAgenda, taken: set) -> int:
    """A site's learners, their assessments, its activities and attendance days, planned together; added only
    to a site without any learner. `taken` gathers the names used so far, so no two sites share one."""
    today = clock.today()
    learners = plan_learners(today, cohort, taken)
    if await Learner.exists().where(Learner.site == site_id).run():
        return 0
    planned = plan_agenda(today, learners, agenda, cohort.history_days)
    last_contacts(learners, planned)
    learner_ids = await insert_learners(site_id, adviser_id, learners)
    added = len(learners) + sum(len(learner.assessments) for learner in learners)
    added += await insert_activities(site_id, adviser_id, planned, learner_ids)
    added += await seed_feedback(site_id, today, agenda.seed)
    if not agenda.stops:  # the site, not the bus: it plans its next cycle of workshops
        added += await seed_planned(site_id, adviser_id, today)
    notes = BUS_NOTES if agenda.stops else {}
    return added + await insert_attendance(
        site_id, plan_attendance(today, planned, agenda.weekdays, agenda.seed, notes)
    )


async def seed_demo(base_url: str = DEFAULT_BASE_URL) -> int:
    """Create whatever demo data is missing; return how many records were added (0 the second time). `base_url`
    is the address the certificates' QR codes point at."""
    added = 0
    password_hash = None
    async with db.write_transaction():
        site_ids: dict[str, int] = {}
        for values in SITES:
            row = await Site.select(Site.id).where(Site.name == values["name"]).first().run()
            if row is None:
                site = Site(**values)
                await site.save().run()
                row, added = {"id": site.id}, added + 1
            site_ids[values["name"]] = row["id"]
        for account in ACCOUNTS:
            if await User.exists().where(User.email == account.email).run():
                continue
            password_hash = password_hash or await hash_password(DEMO_PASSWORD)
            user = User(email=account.email, display_name=account.display_name, role=account.role.value)
            user.password_hash = password_hash
            await user.save().run()
            added += 1
            for name in account.sites if account.role != Role.funder else ():  # a funder sees its grants
                await UserSite.insert(UserSite(user=user.id, site=site_ids[name])).run()
        added += await seed_funder(site_ids[CARNOT])
        carnot, bus = site_ids[CARNOT], site_ids[BUS]
        adviser, bus_adviser = await _user_id(ADVISER), await _user_id(BUS_ADVISER)
        taken: set = set()
        added += await seed_site(carnot, adviser, CARNOT_COHORT, CARNOT_AGENDA, taken)
        added += await seed_site(bus, bus_adviser, BUS_COHORT, BUS_AGENDA, taken)
        advisers = {carnot: (adviser, ADVISER), bus: (bus_adviser, BUS_ADVISER)}
        added += await seed_vouchers(carnot, bus, advisers, await _user_id(COORDINATOR))
    return added + await seed_certificates(carnot, adviser, base_url)
