"""Access rules, checked on every /api/v1 route the app registers, so routes added later are covered too.

A route with a path parameter needs an entry in OTHER_SITE_RECORDS: how to make a record that belongs to
another site (or another user). A new route without one fails `test_every_path_parameter_has_a_factory`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from litestar.routes import HTTPRoute

from tests.support.clock import paris_today
from tests.support.database import Factory

API = "/api/v1"
UNSAFE_BODY = {"POST": {}, "PATCH": {}, "PUT": {}, "DELETE": None}
VALID_BODIES = {
    ("POST", "/api/v1/learners/{learner_id:int}/merge"): {"duplicate_id": 1},
    ("POST", "/api/v1/vouchers/{number:str}/issue"): {"learner_id": 1},
    ("POST", "/api/v1/vouchers/{number:str}/redeem"): {"activity_id": 1},
    ("POST", "/api/v1/claims/{claim_id:int}/payment"): {"amount_cents": 1000, "paid_on": "2025-04-01"},
    ("POST", "/api/v1/certificates/{certificate_id:int}/revoke"): {"reason": "Erreur de saisie"},
    ("POST", "/api/v1/activities/{activity_id:int}/feedback"): {"key": "display-key-0001", "answers": {}},
    ("POST", "/api/v1/funders/{funder_id:int}/grants"): {
        "site_id": 1,
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
    },
}
ITEM_KEYS = {"number": "number"}  # list items carry this field where the path names the record otherwise than by id


async def _token_of(make: Factory, site_id: int) -> int:
    from inclusion.accounts import tokens

    owner = await make.user("adviser", site_id)
    _, row = await tokens.create_token(owner["id"], "autre site")
    return row["id"]


async def _user_of(make: Factory, site_id: int) -> int:
    return (await make.user("adviser", site_id))["id"]


async def _site(make: Factory, site_id: int) -> int:
    return site_id


async def _learner_of(make: Factory, site_id: int) -> int:
    return await make.learner(site_id)


async def _assessment_of(make: Factory, site_id: int) -> int:
    return await make.assessment(await make.learner(site_id), {"navigation": 2})


async def _activity_of(make: Factory, site_id: int) -> int:
    return await make.activity(site_id)


async def _scheme_of(make: Factory, site_id: int) -> int:
    return await make.scheme(site_id)  # accepted by that site only


async def _booklet_of(make: Factory, site_id: int) -> int:
    return await make.booklet(site_id, await make.scheme(site_id), ["B-AUTRE-1"])


async def _voucher_of(make: Factory, site_id: int) -> str:
    return (await make.voucher(site_id, number="PN-AUTRE-SITE", learner=await make.learner(site_id)))["number"]


async def _claim_of(make: Factory, site_id: int) -> int:
    from datetime import date

    from inclusion.storage.tables.vouchers import Claim

    claim = Claim(
        site=site_id, scheme=await make.scheme(site_id), date_from=date(2025, 3, 1), date_to=date(2025, 3, 31)
    )
    await claim.save().run()
    return claim.id


async def _claim_document_of(make: Factory, site_id: int) -> str:
    return str(await _claim_of(make, site_id))  # `/claims/{id}`; the .pdf and .csv variants: test_voucher_claims


async def _certificate_of(make: Factory, site_id: int) -> int:
    return await make.certificate(await make.learner(site_id))


async def _funder_of(make: Factory, site_id: int) -> int:
    from datetime import date

    return await make.funder([(site_id, date(2025, 1, 1), date(2025, 12, 31))])


async def _grant_of(make: Factory, site_id: int) -> int:
    from inclusion.storage.tables.funders import Grant

    funder = await _funder_of(make, site_id)
    return (await Grant.select(Grant.id).where(Grant.funder == funder).first())["id"]


async def _share_of(make: Factory, site_id: int) -> int:

    from inclusion.reports.sharing import links as shares
    from inclusion.scoping import Caller, Role

    owner = await make.user("coordinator", site_id)
    creator = Caller(owner["id"], owner["email"], "", Role.coordinator, frozenset({site_id}), "token")
    created = await shares.create_share(creator, "clé", "", [], (None, None), None, paris_today())
    return created["id"]


async def _any_day(make: Factory, site_id: int) -> str:
    return "2025-03-04"  # the site_id beside it carries the scope


OTHER_SITE_RECORDS: dict[str, Callable[[Factory, int], Awaitable[int | str]]] = {
    "activity_id": _activity_of,
    "day": _any_day,
    "assessment_id": _assessment_of,
    "site_id": _site,
    "learner_id": _learner_of,
    "user_id": _user_of,
    "token_id": _token_of,
    "scheme_id": _scheme_of,
    "booklet_id": _booklet_of,
    "number": _voucher_of,
    "claim_id": _claim_of,
    "claim_ref": _claim_document_of,
    "certificate_id": _certificate_of,
    "funder_id": _funder_of,
    "grant_id": _grant_of,
    "share_id": _share_of,
}


def api_operations(app) -> list[tuple[str, str, object]]:
    """(path, method, handler) for every /api/v1 operation, OPTIONS and HEAD aside."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(API):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                found.append((route.path, method, handler))
    return found


def parameters(path: str) -> list[str]:
    return re.findall(r"\{(\w+)(?::\w+)?\}", path)


def fill(path: str, values: dict[str, int]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values[m.group(1)]), path)


async def request(client, method: str, url: str, headers: dict | None = None, path: str = ""):
    body = VALID_BODIES.get((method, path), UNSAFE_BODY.get(method))
    return await client.request(method, url, headers=headers or {}, json=body)


async def test_the_walk_sees_the_routes(app):
    """The walk finds the API, including the personal-data routes (guards against a vacuous walk)."""
    operations = api_operations(app)
    assert len(operations) >= 10
    assert any(handler.opt.get("personal_data") for _, _, handler in operations)


async def test_every_path_parameter_has_a_factory(app):
    """Every path parameter of the API names a kind of record this test knows how to make elsewhere."""
    unknown = {name for path, _, _ in api_operations(app) for name in parameters(path)} - set(OTHER_SITE_RECORDS)
    assert not unknown, f"add these to OTHER_SITE_RECORDS: {sorted(unknown)}"


async def test_anonymous_callers_get_401_everywhere(app, client, make):
    """Without a session or a token, every API operation answers 401 with the JSON error shape (but the open data
    routes marked public: the places of the national standard)."""
    site = await make.site()
    values = {name: await factory(make, site) for name, factory in OTHER_SITE_RECORDS.items()}
    public = [path for path, _, handler in api_operations(app) if handler.opt.get("public")]
    assert sorted(public) == [
        "/api/v1/sites/lieux-mediation-numerique.csv",
        "/api/v1/sites/lieux-mediation-numerique.json",
    ]
    for path, method, handler in api_operations(app):
        if handler.opt.get("public"):
            continue
        response = await request(client, method, fill(path, values))
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["message"] == "Authentification requise."


async def test_other_sites_records_answer_404(app, client, make):
    """A coordinator, an adviser or a funder of one site gets 404 for every record of another site
    (403 where the route is closed to their role whatever the record, which reveals nothing)."""
    mine, theirs = await make.site("Mien"), await make.site("Autre")
    values = {name: await factory(make, theirs) for name, factory in OTHER_SITE_RECORDS.items()}
    for role in ("coordinator", "adviser", "funder"):
        headers = await make.bearer(await make.user(role, mine))
        for path, method, handler in api_operations(app):
            if not parameters(path):
                continue
            response = await request(client, method, fill(path, values), headers, path)
            refused_whatever_the_record = (role == "funder" and handler.opt.get("personal_data")) or (
                handler.opt.get("roles") and role not in handler.opt["roles"]
            )
            expected = {403} if refused_whatever_the_record else {404}
            assert response.status_code in expected, (role, method, path, response.status_code, response.text)


async def test_lists_leave_out_other_sites_records(app, client, make):
    """Every list route whose records have a detail route leaves out the other site's record."""
    mine, theirs = await make.site("Mien"), await make.site("Autre")
    values = {name: await factory(make, theirs) for name, factory in OTHER_SITE_RECORDS.items()}
    operations = api_operations(app)
    list_routes = {
        path.rsplit("/", 1)[0]: parameters(path)[-1]
        for path, method, _ in operations
        if method == "GET" and parameters(path) and not parameters(path.rsplit("/", 1)[0])
    }
    checked = 0
    for role in ("coordinator", "adviser"):
        headers = await make.bearer(await make.user(role, mine))
        for path, method, handler in operations:
            if method != "GET" or path not in list_routes:
                continue
            if handler.opt.get("roles") and role not in handler.opt["roles"]:
                continue  # closed to this role whatever the record (test_other_sites_records_answer_404)
            body = (await client.get(path, headers=headers)).json()
            items = body["items"] if isinstance(body, dict) else body
            key = ITEM_KEYS.get(list_routes[path], "id")
            assert str(values[list_routes[path]]) not in [str(item[key]) for item in items], (role, path)
            checked += 1
    assert checked >= 5


async def test_funders_get_403_on_personal_data(app, client, make):
    """A funder is refused every route marked as returning personal data, even for its own sites."""
    site = await make.site()
    values = {name: await factory(make, site) for name, factory in OTHER_SITE_RECORDS.items()}
    headers = await make.bearer(await make.user("funder", site))
    refused = 0
    for path, method, handler in api_operations(app):
        if handler.opt.get("personal_data"):
            response = await request(client, method, fill(path, values), headers)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["message"] == "Un financeur n'a accès à aucune donnée personnelle."
            refused += 1
    assert refused >= 2


async def test_funders_read_the_sites_they_fund(client, make):
    """A funder sees its funded sites, which carry no personal data."""
    site = await make.site("Financé")
    headers = await make.bearer(await make.user("funder", site))
    body = (await client.get("/api/v1/sites", headers=headers)).json()
    assert [item["name"] for item in body["items"]] == ["Financé"]


@pytest.mark.own_app
async def test_a_route_outside_the_routers_still_needs_a_login(app, client):
    """Access rules apply to every route the app serves: one not marked public answers 401 to strangers."""
    from litestar import get

    @get("/api/v1/registered-late", include_in_schema=False)
    async def registered_late() -> str:
        return "secret"

    app.register(registered_late)
    response = await client.get("/api/v1/registered-late")
    assert response.status_code == 401 and "secret" not in response.text
