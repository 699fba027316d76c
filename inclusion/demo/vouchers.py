"""Demo Pass numérique: two schemes, booklets from several prescribers, vouchers handed to learners during one of
their sessions and about 40 % of them used for a later session of theirs, one paid claim and one open; the
département's chèque ends within the month, so some handed ones are about to expire."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, time, timedelta
from typing import Any

from inclusion import clock
from inclusion.demo.calendar import local
from inclusion.storage.tables.activities import Activity
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.vouchers import Booklet, Claim, SchemeSite, Voucher, VoucherEvent, VoucherScheme
from inclusion.vocabulary import VoucherStatus

SEED = 5
S = VoucherStatus
PASS, CHEQUE = "Pass numérique", "Chèque numérique départemental"
BOOKLETS = [  # scheme, prescriber type, prescriber, booklet number, first voucher, months ago received
    (PASS, "caf", "CAF du Pas-de-Calais", "CAF-62-0412", 1, 12),
    (PASS, "caf", "CAF du Pas-de-Calais", "CAF-62-0587", 11, 7),
    (PASS, "ccas", "CCAS du Portel", "CCAS-LP-03", 21, 10),
    (PASS, "france_travail", "France Travail Boulogne-sur-Mer", "FT-BSM-118", 31, 6),
    (PASS, "mairie", "Mairie du Portel", "LP-2025-02", 41, 4),
    (CHEQUE, "departement", "Département du Pas-de-Calais", "D62-CN-0031", 1, 9),
    (CHEQUE, "departement", "Département du Pas-de-Calais", "D62-CN-0044", 11, 3),
]
BUS_BOOKLET = (PASS, "association", "Les Amis du Numérique du Boulonnais", "ANB-007", 51, 2)
PER_BOOKLET = 10
HANDED_SHARE = {"carnot": 0.72, "bus": 0.4}
REDEEMED_SHARE = 0.4  # of the vouchers handed out


def _number(scheme: str, value: int) -> str:
    return f"PN-62-{value:06d}" if scheme == PASS else f"CND-{value:04d}"


def _at(day: date, hour: int = 10) -> Any:
    return local(day, time(hour), clock.now())


async def _sessions(site_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each learner's individual sessions at these sites, by date."""
    rows = (
        await Activity.select(Activity.id, Activity.site, Activity.date, Activity.learner)
        .where(Activity.site.is_in(site_ids), Activity.type == "individuel", Activity.learner.is_not_null())
        .order_by(Activity.date)
        .order_by(Activity.id)
        .run()
    )
    by_learner: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_learner[row["learner"]].append(row)
    return by_learner


Advisers = dict[int, tuple[int | None, str]]  # site id → the adviser's id and address


async def seed_vouchers(carnot: int, bus: int, advisers: Advisers, coordinator: int | None) -> int:
    """Add the demo schemes and what follows from them, once. Returns the schemes, booklets and vouchers added
    (they are used for sessions already recorded; claims and history follow)."""
    if await VoucherScheme.exists().where(VoucherScheme.name.is_in([PASS, CHEQUE])).run():
        return 0
    today, rng = clock.today(), random.Random(SEED)
    schemes = {
        PASS: VoucherScheme(
            name=PASS,
            operator="APTIC (modèle historique)",
            face_value_cents=1000,
            valid_until=date(today.year + 1, 12, 31),
            tolerance_days=30,
            minutes_per_voucher=120,
        ),
        CHEQUE: VoucherScheme(
            name=CHEQUE,
            operator="Département du Pas-de-Calais",
            face_value_cents=2000,
            valid_until=today + timedelta(days=25),
            tolerance_days=0,
            minutes_per_voucher=180,
        ),
    }
    for scheme in schemes.values():
        await scheme.save().run()
    await SchemeSite.insert(
        SchemeSite(scheme=schemes[PASS].id, site=carnot),
        SchemeSite(scheme=schemes[PASS].id, site=bus),
        SchemeSite(scheme=schemes[CHEQUE].id, site=carnot),
    ).run()
    sessions = await _sessions([carnot, bus])
    added = len(schemes)
    made: list[tuple[Voucher, list, dict | None]] = []
    for site, spec in [(carnot, spec) for spec in BOOKLETS] + [(bus, BUS_BOOKLET)]:
        name, kind, prescriber, number, first, months = spec
        received = today - timedelta(days=30 * months)
        booklet = Booklet(
            site=site,
            scheme=schemes[name].id,
            number=number,
            prescriber_name=prescriber,
            prescriber_type=kind,
            received_on=received,
            created_by=coordinator,
            created_at=_at(received, 9),
        )
        await booklet.save().run()
        added += 1
        fitting = [mine for mine in sessions.values() if mine[0]["site"] == site and mine[-1]["date"] >= received]
        for value in range(first, first + PER_BOOKLET):
            scheme = schemes[name]
            number, cents = _number(name, value), scheme.face_value_cents
            voucher = Voucher(scheme=scheme.id, booklet=booklet.id, site=site, number=number, value_cents=cents)
            events = [(None, S.in_stock, _at(received, 9), coordinator, {})]
            handed = None
            if fitting and rng.random() < HANDED_SHARE["carnot" if site == carnot else "bus"]:
                mine = rng.choice(fitting)
                handed = rng.choice([session for session in mine if session["date"] >= received])
                voucher.status, voucher.learner, voucher.issued_on = S.issued.value, handed["learner"], handed["date"]
                by = advisers[site][0]
                events.append((S.in_stock, S.issued, _at(handed["date"], 11), by, {"learner": handed["learner"]}))
            made.append((voucher, events, handed))
    await _redeem(rng, made, sessions, schemes, advisers)
    await _claims(carnot, schemes[PASS], coordinator, today)
    return added + len(made)


async def _redeem(rng: random.Random, made: list, sessions: dict, schemes: dict, advisers: Advisers) -> None:
    """Use about 40 % of the handed vouchers, each for a later session of its learner that no voucher paid yet."""
    today = clock.today()
    paid: set[int] = set()
    handed = [index for index, (_, _, session) in enumerate(made) if session is not None]
    used = set(rng.sample(handed, round(REDEEMED_SHARE * len(handed))))
    history: list[VoucherEvent] = []
    audits: list[AuditEntry] = []
    for index, (voucher, events, _) in enumerate(made):
        if index in used:
            scheme = next(s for s in schemes.values() if s.id == voucher.scheme)
            last = min(today, scheme.valid_until + timedelta(days=scheme.tolerance_days))
            later = [
                row for row in sessions[voucher.learner]
                if voucher.issued_on <= row["date"] <= last and row["id"] not in paid
            ]  # fmt: skip
            if later:
                row = rng.choice(later)
                paid.add(row["id"])
                voucher.status, voucher.activity, voucher.redeemed_on = S.redeemed.value, row["id"], row["date"]
                by = advisers[voucher.site][0]
                events.append((S.issued, S.redeemed, _at(row["date"], 12), by, {"activity": row["id"]}))
        await voucher.save().run()
        for source, target, at, actor, extra in events:
            history.append(
                VoucherEvent(
                    voucher=voucher.id,
                    from_status=source.value if source else None,
                    to_status=target.value,
                    at=at,
                    actor=actor,
                    **extra,
                )
            )
            if target == S.redeemed:
                detail = {"numero": voucher.number, "dispositif": voucher.scheme, "activite": extra["activity"]}
                audits.append(
                    AuditEntry(
                        at=at,
                        actor=actor,
                        actor_email=advisers[voucher.site][1],
                        site=voucher.site,
                        action="redeem",
                        target_type="voucher",
                        target_id=voucher.id,
                        detail=detail,
                    )
                )
    await VoucherEvent.insert(*history).run()
    if audits:
        await AuditEntry.insert(*audits).run()


async def _claims(site: int, scheme: VoucherScheme, coordinator: int | None, today: date) -> None:
    """A paid claim for the Pass used more than four months ago, an open one up to the end of last month."""
    first_cut = (today.replace(day=1) - timedelta(days=95)).replace(day=1) - timedelta(days=1)
    second_cut = today.replace(day=1) - timedelta(days=1)  # the end of last month
    periods = [(date(today.year - 2, 1, 1), first_cut, True), (first_cut + timedelta(days=1), second_cut, False)]
    for start, end, paid in periods:
        rows = (
            await Voucher.select(Voucher.id, Voucher.value_cents)
            .where(
                Voucher.site == site,
                Voucher.scheme == scheme.id,
                Voucher.status == S.redeemed.value,
                Voucher.redeemed_on >= start,
                Voucher.redeemed_on <= end,
            )
            .run()
        )
        if not rows:
            continue
        opened = min(today, end + timedelta(days=5))
        paid_on = opened + timedelta(days=21) if paid else None
        claim = Claim(
            site=site,
            scheme=scheme.id,
            date_from=start,
            date_to=end,
            voucher_count=len(rows),
            total_cents=sum(row["value_cents"] for row in rows),
            created_by=coordinator,
            created_at=_at(opened, 14),
            status="paid" if paid else "open",
            paid_amount_cents=sum(row["value_cents"] for row in rows) if paid else None,
            paid_on=paid_on,
        )
        await claim.save().run()
        ids = [row["id"] for row in rows]
        final = S.reimbursed if paid else S.claimed
        await Voucher.update({Voucher.status: final.value, Voucher.claim: claim.id}).where(Voucher.id.is_in(ids)).run()
        history = []
        for voucher_id in ids:
            history.append(
                VoucherEvent(
                    voucher=voucher_id,
                    from_status=S.redeemed.value,
                    to_status=S.claimed.value,
                    at=_at(opened, 14),
                    actor=coordinator,
                    claim=claim.id,
                )
            )
            if paid:
                history.append(
                    VoucherEvent(
                        voucher=voucher_id,
                        from_status=S.claimed.value,
                        to_status=S.reimbursed.value,
                        at=_at(paid_on, 15),
                        actor=coordinator,
                        claim=claim.id,
                    )
                )
        await VoucherEvent.insert(*history).run()
