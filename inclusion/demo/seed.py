"""Demo data for a first start: one France Services site, a digital bus, one account per role, learners at the site,
Pass numérique booklets, handed and used vouchers and claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from inclusion import clock
from inclusion.accounts.passwords import hash_password
from inclusion.demo.learners import seed_learners
from inclusion.demo.vouchers import seed_vouchers
from inclusion.scoping import ROLE_LABELS, Role
from inclusion.storage import db
from inclusion.storage.tables.accounts import User, UserSite
from inclusion.storage.tables.funders import Funder, FunderUser, Grant
from inclusion.storage.tables.sites import Site

DEMO_PASSWORD = "inclusion-demo"
CARNOT = "Espace Carnot — Maison France Services, Le Portel"
ADVISER = "conseiller@demo.inclusion.test"  # assesses and creates the demo learners, hands and uses the Pass
COORDINATOR = "coordination@demo.inclusion.test"  # receives the booklets and claims reimbursement
BUS = "Bus numérique du Boulonnais"
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
    },
    {
        "name": BUS,
        "kind": "bus_itinerant",
        "address": "",
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


async def has_users() -> bool:
    return await User.exists().run()


async def seed_demo() -> int:
    """Create whatever demo data is missing; return how many records were added (0 the second time)."""
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
        adviser = await User.select(User.id).where(User.email == ADVISER).first().run()
        adviser_id = adviser["id"] if adviser else None
        added += await seed_learners(site_ids[CARNOT], adviser_id)
        coordinator = await User.select(User.id).where(User.email == COORDINATOR).first().run()
        coordinator_id = coordinator["id"] if coordinator else None
        added += await seed_vouchers(site_ids[CARNOT], site_ids[BUS], adviser_id, coordinator_id)
    return added
