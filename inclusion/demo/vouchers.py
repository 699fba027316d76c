"""Demo Pass numérique: the issue's two schemes, booklets from several prescribers, vouchers handed to demo
learners and about 40 % of them used for sessions those learners attended, one paid claim and one open."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from inclusion import clock
from inclusion.storage.tables.activities import Activity, ActivityTopic
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.learners import Learner
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
REDEEMED_SHARE = 0.4  # of the vouchers handed out
TOPICS = ("navigation_sur_internet", "email", "aide_aux_demarches_administratives", "prendre_en_main_du_materiel")


def _number(scheme: str, value: int) -> str:
    return f"PN-62-{value:06d}" if scheme == PASS else f"CND-{value:04d}"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


async def seed_vouchers(carnot: int, bus: int, adviser: int | None, coordinator: int | None) -> int:
    """Add the demo schemes and what follows from them, once. Returns the schemes, booklets and vouchers
    added (the same whatever the day; sessions, claims and history rows follow from them)."""
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
    learners = (
        await Learner.select(Learner.id, Learner.first_visit_on, Learner.last_contact_on)
        .where(Learner.site == carnot, Learner.anonymised_at.is_null(), Learner.merged_into.is_null())
        .order_by(Learner.id)
        .run()
    )
    added = len(schemes)
    planned: list[dict[str, Any]] = []
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
        for value in range(first, first + PER_BOOKLET):
            planned.append({"site": site, "scheme": schemes[name], "booklet": booklet, "number": _number(name, value)})
    history: list[VoucherEvent] = []
    audits: list[AuditEntry] = []
    made: list[tuple[Voucher, list, dict | None]] = []
    for plan in planned:
        voucher = Voucher(
            scheme=plan["scheme"].id,
            booklet=plan["booklet"].id,
            site=plan["site"],
            number=plan["number"],
            value_cents=plan["scheme"].face_value_cents,
        )
        received = plan["booklet"].received_on
        events = [(None, S.in_stock, _at(received, 9), coordinator, {})]
        fitting = [row for row in learners if row["last_contact_on"] >= received]
        learner = None
        if plan["site"] == carnot and fitting and rng.random() < 0.72:
            learner = rng.choice(fitting)
            issued = max(received, learner["first_visit_on"])
            voucher.status, voucher.learner, voucher.issued_on = S.issued.value, learner["id"], issued
            events.append((S.in_stock, S.issued, _at(issued, 11), adviser, {"learner": learner["id"]}))
        made.append((voucher, events, learner))
    issued_ones = [index for index, (_, _, learner) in enumerate(made) if learner is not None]
    used = set(rng.sample(issued_ones, round(REDEEMED_SHARE * len(issued_ones))))
    for index, (voucher, events, learner) in enumerate(made):
        if index in used:
            issued = voucher.issued_on
            day = issued + timedelta(days=rng.randint(0, (learner["last_contact_on"] - issued).days))
            activity = Activity(
                site=carnot,
                type="individuel",
                date=day,
                start_time=time(rng.choice((9, 10, 14, 15))),
                duration_minutes=rng.choice((60, 90, 90, 120)),
                learner=learner["id"],
                adviser=adviser,
                autonomy=rng.choice(("entierement_accompagne", "partiellement_autonome")),
                note="Séance payée par un Pass",
                created_at=_at(day, 16),
                updated_at=_at(day, 16),
            )
            await activity.save().run()
            topic = ActivityTopic(activity=activity.id, kind="digital", topic=rng.choice(TOPICS))
            await ActivityTopic.insert(topic).run()
            voucher.status, voucher.activity, voucher.redeemed_on = S.redeemed.value, activity.id, day
            events.append((S.issued, S.redeemed, _at(day, 17), adviser, {"activity": activity.id}))
        await voucher.save().run()
        added += 1
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
                        actor=adviser,
                        actor_email="conseiller@demo.inclusion.test",
                        site=carnot,
                        action="redeem",
                        target_type="voucher",
                        target_id=voucher.id,
                        detail=detail,
                    )
                )
    await _claims(carnot, schemes[PASS], coordinator, today, history)
    await VoucherEvent.insert(*history).run()
    if audits:
        await AuditEntry.insert(*audits).run()
    return added


async def _claims(site: int, scheme: VoucherScheme, coordinator: int | None, today: date, history: list) -> None:
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
        opened = end + timedelta(days=5)
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
