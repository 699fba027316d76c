"""State the API fuzzer starts from: one site with a record of each kind, and a caller of the role under test."""

from __future__ import annotations

from datetime import date

from tests.support.database import Factory


async def seed_site(make: Factory) -> int:
    """A site with learners, an assessment, an activity, a voucher scheme with vouchers and a certificate."""
    site = await make.site("Médiathèque du fuzz")
    first = await make.learner(site, "Marie", "Martin")
    second = await make.learner(site, "Jean", "Dupont", first_visit_on=date(2025, 2, 3))
    await make.assessment(first, {"navigation": 1, "courriel": 2})
    await make.activity(site, type="individuel", title="Aide CAF")
    await make.activity(site)
    scheme = await make.scheme(site)
    await make.voucher(site, scheme, number="PN-000001")
    await make.voucher(site, scheme, number="PN-000002", learner=second)
    await make.certificate(first)
    return site


async def caller_headers(make: Factory, role: str) -> dict[str, str]:
    """Bearer headers of an adviser of the seeded site, or of a funder holding a grant on it."""
    site = await seed_site(make)
    return await make.bearer(await make.user(role, site))
