"""The team page: a coordinator manages the advisers of their sites, an administrator every account; every
change is audited; a deactivated account can neither log in nor keep using its sessions and tokens."""

from __future__ import annotations

import re

from inclusion.accounts.sessions import COOKIE
from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.audit import AuditEntry
from tests.support.browser import csrf_from, logged_in, login


def shown_password(page: str) -> str:
    match = re.search(r'<code class="handover-password" id="password">([^<]+)</code>', page)
    assert match, "no password on the page"
    return match.group(1)


async def entries(action: str) -> list[dict]:
    return await AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id).output(load_json=True)


def use_session(client, value: str) -> None:
    """Make the client the browser holding this session cookie (one client, two people taking turns)."""
    client.cookies.clear()
    client.cookies.set(COOKIE, value, domain="testserver.local")


async def add(client, csrf: str, **values) -> object:
    data = {"csrf_token": csrf, "display_name": "Nina Nouvelle", "email": "nina@exemple.fr", "role": "adviser"}
    return await client.post("/team/new", data={**data, **values})


async def test_coordinator_adds_an_adviser_who_logs_in_with_the_shown_password(client, make):
    """The password is shown once on the answer; it opens the new account; the creation is audited."""
    site = await make.site("Espace Carnot")
    coordinator = await make.user("coordinator", site)
    csrf = await logged_in(client, coordinator)
    form = await client.get("/team/new")
    assert form.status_code == 200 and 'value="adviser"' in form.text and "Administrateur" not in form.text
    answer = await add(client, csrf, site_ids=str(site))
    assert answer.status_code == 201 and answer.headers["cache-control"] == "no-store"
    password = shown_password(answer.text)
    created = await User.select(User.id, User.role).where(User.email == "nina@exemple.fr").first()
    assert created["role"] == "adviser"
    [entry] = await entries("create")
    assert (entry["actor"], entry["site"], entry["target_type"], entry["target_id"]) == (
        coordinator["id"], site, "user", created["id"]
    )  # fmt: skip
    assert "Nina" not in str(entry["detail"])
    client.cookies.clear()
    assert (await login(client, "nina@exemple.fr", password)).status_code == 303
    assert "Bonjour Nina Nouvelle" in (await client.get("/")).text


async def test_coordinator_cannot_create_other_roles_or_use_other_sites(client, make):
    """Admin, funder or coordinator accounts are refused (403); another site is refused beside the field."""
    site, other = await make.site(), await make.site()
    csrf = await logged_in(client, await make.user("coordinator", site))
    for role in ("admin", "funder", "coordinator"):
        refused = await add(client, csrf, role=role, site_ids=str(site))
        assert refused.status_code == 403 and "que des comptes de conseiller" in refused.text
    elsewhere = await add(client, csrf, site_ids=str(other))
    assert elsewhere.status_code == 422 and 'id="site_ids-error"' in elsewhere.text
    assert "Choisissez parmi vos sites." in elsewhere.text and 'value="Nina Nouvelle"' in elsewhere.text
    nowhere = await add(client, csrf, email="pas-une-adresse")
    assert nowhere.status_code == 422 and "Adresse électronique invalide." in nowhere.text
    assert "Indiquez au moins un site." in nowhere.text
    assert await User.count().where(User.email.is_in(["nina@exemple.fr", "pas-une-adresse"])) == 0
    assert await entries("create") == []


async def test_an_address_already_used_is_said_beside_the_field(client, make):
    """A second account for the same address answers 409 with the message next to the e-mail field."""
    site = await make.site()
    taken = await make.user("adviser", await make.site())
    csrf = await logged_in(client, await make.user("coordinator", site))
    answer = await add(client, csrf, email=taken["email"].upper(), site_ids=str(site))
    assert answer.status_code == 409 and 'id="email-error"' in answer.text and "Un compte existe déjà" in answer.text


async def test_coordinator_never_reaches_an_adviser_of_another_site(client, make):
    """Another site's adviser is not listed, and every action on them answers 404 and changes nothing."""
    site, other = await make.site(), await make.site()
    stranger = await make.user("adviser", other, email="ailleurs@exemple.fr")
    csrf = await logged_in(client, await make.user("coordinator", site))
    assert "ailleurs@exemple.fr" not in (await client.get("/team")).text
    for path in (f"/team/{stranger['id']}/deactivate", f"/team/{stranger['id']}/password"):
        assert (await client.get(path)).status_code == 404
        assert (await client.post(path, data={"csrf_token": csrf})).status_code == 404
    assert (await client.post(f"/team/{stranger['id']}/reactivate", data={"csrf_token": csrf})).status_code == 404
    assert (await User.select(User.is_active).where(User.id == stranger["id"]).first())["is_active"]
    assert await AuditEntry.count().where(AuditEntry.target_type == "user") == 0


async def test_coordinator_cannot_touch_a_colleague_coordinator_or_themselves(client, make):
    """A coordinator of the same site, or the coordinator's own account, is refused with 403."""
    site = await make.site()
    me = await make.user("coordinator", site)
    colleague = await make.user("coordinator", site)
    csrf = await logged_in(client, me)
    listing = (await client.get("/team")).text
    assert colleague["email"] in listing and f"/team/{colleague['id']}/deactivate" not in listing
    for user in (colleague, me):
        answer = await client.post(f"/team/{user['id']}/deactivate", data={"csrf_token": csrf})
        assert answer.status_code == 403 and "seulement les comptes des conseillers" in answer.text
    assert await User.count().where(User.is_active.eq(False)) == 0


async def test_nobody_deactivates_their_own_account(client, make):
    """An administrator cannot deactivate the account they are using."""
    admin = await make.user("admin")
    csrf = await logged_in(client, admin)
    answer = await client.post(f"/team/{admin['id']}/deactivate", data={"csrf_token": csrf})
    assert answer.status_code == 403 and "votre propre compte" in answer.text
    assert (await client.get("/")).status_code == 200


async def test_deactivated_adviser_is_locked_out_everywhere_until_reactivated(client, make):
    """After confirmation, the adviser's login, open session and API token all stop; reactivating lets them log in."""
    site = await make.site()
    adviser = await make.user("adviser", site)
    token = await make.bearer(adviser)
    await logged_in(client, adviser)
    adviser_session = client.cookies[COOKIE]
    client.cookies.clear()
    csrf = await logged_in(client, await make.user("coordinator", site))
    coordinator_session = client.cookies[COOKIE]
    use_session(client, adviser_session)
    assert (await client.get("/")).status_code == 200  # the adviser's browser works, until…
    use_session(client, coordinator_session)
    confirm = await client.get(f"/team/{adviser['id']}/deactivate")
    assert confirm.status_code == 200 and "Désactiver le compte" in confirm.text and csrf_from(confirm) == csrf
    assert (await User.select(User.is_active).where(User.id == adviser["id"]).first())["is_active"]
    done = await client.post(f"/team/{adviser['id']}/deactivate", data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/team?done=deactivated"
    [entry] = await entries("deactivate")
    assert (entry["site"], entry["target_id"]) == (site, adviser["id"])
    use_session(client, adviser_session)
    assert (await client.get("/")).status_code == 303  # the open session is gone
    assert (await client.get("/api/v1/me", headers=token)).status_code == 401
    client.cookies.clear()
    assert (await login(client, adviser["email"], adviser["password"])).status_code == 401
    use_session(client, coordinator_session)
    back = await client.post(f"/team/{adviser['id']}/reactivate", data={"csrf_token": csrf})
    assert back.status_code == 303 and len(await entries("reactivate")) == 1
    client.cookies.clear()
    assert (await login(client, adviser["email"], adviser["password"])).status_code == 303


async def test_reset_password_replaces_the_old_one_and_ends_sessions(client, make):
    """The new password is shown once; the old one and the adviser's open sessions stop working; audited."""
    site = await make.site()
    adviser = await make.user("adviser", site)
    await logged_in(client, adviser)
    adviser_session = client.cookies[COOKIE]
    client.cookies.clear()
    csrf = await logged_in(client, await make.user("coordinator", site))
    coordinator_session = client.cookies[COOKIE]
    use_session(client, adviser_session)
    assert (await client.get("/")).status_code == 200  # the adviser's browser works, until…
    use_session(client, coordinator_session)
    assert "Créer un nouveau mot de passe" in (await client.get(f"/team/{adviser['id']}/password")).text
    answer = await client.post(f"/team/{adviser['id']}/password", data={"csrf_token": csrf})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    password = shown_password(answer.text)
    [entry] = await entries("password_reset")
    assert (entry["site"], entry["target_id"]) == (site, adviser["id"])
    use_session(client, adviser_session)
    assert (await client.get("/")).status_code == 303
    client.cookies.clear()
    assert (await login(client, adviser["email"], adviser["password"])).status_code == 401
    assert (await login(client, adviser["email"], password)).status_code == 303


async def test_admin_manages_every_role_on_any_site(client, make):
    """An administrator creates a coordinator of two sites and a funder account, and sees every account."""
    first, second = await make.site(), await make.site()
    elsewhere = await make.user("adviser", second, email="loin@exemple.fr")
    csrf = await logged_in(client, await make.user("admin"))
    listing = (await client.get("/team")).text
    assert "loin@exemple.fr" in listing and f"/team/{elsewhere['id']}/deactivate" in listing
    coordinator = await client.post(
        "/team/new",
        data={"csrf_token": csrf, "display_name": "Chloé Coord", "email": "chloe@exemple.fr", "role": "coordinator",
              "site_ids": [str(first), str(second)]},
    )  # fmt: skip
    assert coordinator.status_code == 201
    created = await User.select(User.id, User.role).where(User.email == "chloe@exemple.fr").first()
    assert created["role"] == "coordinator"
    assert sorted(entry["site"] for entry in await entries("create")) == sorted([first, second])
    funder = await client.post(
        "/team/new", data={"csrf_token": csrf, "display_name": "Fanny", "email": "fanny@exemple.fr", "role": "funder"}
    )
    assert funder.status_code == 201 and "Financeurs" in funder.text


async def test_only_coordinators_and_admins_have_the_team(client, make):
    """The nav shows "Équipe" to a coordinator; an adviser gets 403 on the page and no link."""
    site = await make.site()
    await logged_in(client, await make.user("coordinator", site))
    assert '<a href="/team">Équipe</a>' in (await client.get("/")).text
    client.cookies.clear()
    await logged_in(client, await make.user("adviser", site))
    assert '<a href="/team">Équipe</a>' not in (await client.get("/")).text
    assert (await client.get("/team")).status_code == 403


async def test_a_member_replaces_the_handed_over_password(client, make):
    """On "Mon compte", with the current password typed, the new one replaces it; other sessions end, this one stays."""
    adviser = await make.user("adviser", await make.site())
    await logged_in(client, adviser)
    other_session = client.cookies[COOKIE]
    client.cookies.clear()
    csrf = await logged_in(client, adviser)
    data = {
        "csrf_token": csrf,
        "current_password": "faux",
        "new_password": "court",
        "new_password_confirmation": "autre",
    }
    refused = await client.post("/account/password", data=data)
    assert (
        refused.status_code == 422
        and 'id="new_password-error"' in refused.text
        and "au moins 10 caractères" in refused.text
    )
    data |= {"new_password": "un-nouveau-secret", "new_password_confirmation": "un-nouveau-secret"}
    wrong = await client.post("/account/password", data=data)
    assert wrong.status_code == 422 and "Mot de passe actuel incorrect." in wrong.text
    data |= {"current_password": adviser["password"], "new_password_confirmation": "autre"}
    mismatch = await client.post("/account/password", data=data)
    assert (
        mismatch.status_code == 422
        and "Les deux saisies du nouveau mot de passe ne sont pas identiques." in mismatch.text
    )
    done = await client.post("/account/password", data=data | {"new_password_confirmation": "un-nouveau-secret"})
    assert done.status_code == 303 and done.headers["location"] == "/account?password=1"
    assert "Mot de passe changé." in (await client.get("/account?password=1")).text
    assert (await client.get("/account")).status_code == 200  # this session stays
    this_session = client.cookies[COOKIE]
    use_session(client, other_session)
    assert (await client.get("/")).status_code == 303  # the other one is closed
    use_session(client, this_session)
    client.cookies.clear()
    assert (await login(client, adviser["email"], adviser["password"])).status_code == 401
    assert (await login(client, adviser["email"], "un-nouveau-secret")).status_code == 303
    [entry] = await entries("update")
    assert entry["target_id"] == adviser["id"] and entry["detail"] == {"fields": ["password"]}
