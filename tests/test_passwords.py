"""Weak passwords are refused everywhere a password is set: the API, the account page, the command line."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time

from inclusion.accounts.passwords import common_passwords, generate_password, password_problem
from inclusion.accounts.sessions import open_session
from inclusion.storage.tables.accounts import Session, User
from tests.support.browser import logged_in, login
from tests.support.processes import cli_env

EMAIL = "nadia.benali@mediatheque-carnot.fr"
WEAK = {
    "aaaaaaaaaa": "répète trop les mêmes caractères",
    "password12": "mots de passe les plus courants",
    "1234567890": "mots de passe les plus courants",
    "AzertyUIOP": "mots de passe les plus courants",
    EMAIL: "adresse électronique du compte",
    "nadia.benali2025": "adresse électronique du compte",
    "inclusion-demo": "nom du service",
    " " * 10: "que d'espaces",
    "mot-de-passe\x00secret": "caractère de contrôle",
}


async def test_the_api_refuses_each_weak_password_with_a_french_reason(client, make):
    """Creating an account with a common password, one made of its email or of the service's name, spaces only or
    a NUL byte answers 422 on `password` with the reason; nothing is created. A decent one is accepted."""
    headers = await make.bearer(await make.user("admin"))
    account = {"email": EMAIL, "display_name": "Nadia", "role": "admin"}
    for password, reason in WEAK.items():
        response = await client.post("/api/v1/users", json={**account, "password": password}, headers=headers)
        assert response.status_code == 422, (password, response.text)
        details = response.json()["details"]
        assert [d["field"] for d in details] == ["password"] and reason in details[0]["message"], (password, details)
    assert await User.count() == 1
    accepted = await client.post("/api/v1/users", json={**account, "password": "agrafe cactus lundi"}, headers=headers)
    assert accepted.status_code == 201, accepted.text


def test_the_bundled_list_is_large_and_generated_passwords_pass():
    """The common-password list holds at least 10,000 entries, compared case-insensitively; every generated
    password (what `user create` and account resets hand out) passes the check."""
    assert len(common_passwords()) >= 10_000
    assert password_problem("SUNSHINE12") is not None and password_problem("sunshine12") is not None
    assert all(password_problem(generate_password(), EMAIL) is None for _ in range(500))


async def test_a_password_is_changed_on_the_account_page(client, make, settings):
    """The current password first, then a new one through the same check (inline French message next to the
    field); once changed, the old password no longer opens a session, the new one does, other sessions end."""
    user = await make.user("adviser", await make.site(), email=EMAIL)
    csrf = await logged_in(client, user)
    page = await client.get("/account")
    assert 'name="new_password"' in page.text and 'autocomplete="new-password"' in page.text

    def form(current: str, new: str, again: str | None = None) -> dict:
        fields = ("current_password", "new_password", "new_password_confirmation")
        return {"csrf_token": csrf, **dict(zip(fields, (current, new, new if again is None else again), strict=True))}

    weak = await client.post("/account/password", data=form(user["password"], "inclusion2025"))
    assert weak.status_code == 422
    assert 'id="new_password-error"' in weak.text and "nom du service" in weak.text
    mismatch = await client.post("/account/password", data=form(user["password"], "agrafe cactus lundi", "autre"))
    assert mismatch.status_code == 422 and "ne sont pas identiques" in mismatch.text
    wrong = await client.post("/account/password", data=form("pas le bon", "agrafe cactus lundi"))
    assert wrong.status_code == 422 and "Mot de passe actuel incorrect." in wrong.text
    assert (await User.select(User.password_hash).first())["password_hash"] == make.password_hash

    elsewhere = await open_session(settings, user["id"], "192.0.2.7", "autre appareil", None)
    done = await client.post("/account/password", data=form(user["password"], "agrafe cactus lundi"))
    assert done.status_code == 303 and done.headers["location"] == "/account?password=1"
    assert "Mot de passe changé" in (await client.get(done.headers["location"])).text
    assert await Session.count() == 1  # this one; the other device's session ended
    client.cookies.set("inclusion_session", elsewhere)
    assert (await client.get("/account")).status_code == 303
    assert (await login(client, user["email"], user["password"])).status_code == 401
    assert (await login(client, user["email"], "agrafe cactus lundi")).status_code == 303


def test_user_create_refuses_a_weak_password_typed_at_the_prompt(database_url, tmp_path):
    """`inclusion user create` on a terminal: a common password typed twice is refused with the reason; nothing is
    created."""
    env = cli_env(database_url, tmp_path)
    command = [sys.executable, "-m", "inclusion", "user", "create", EMAIL, "--name", "Nadia", "--role", "admin"]
    output = _on_a_terminal(command, env, ["password12", "password12"])
    assert "Mot de passe refusé : Ce mot de passe fait partie des mots de passe les plus courants" in output, output


def _on_a_terminal(command: list[str], env: dict[str, str], answers: list[str]) -> str:
    """Run `command` with a pseudo-terminal as its controlling terminal, typing each answer at each prompt."""
    main, secondary = pty.openpty()

    def take_the_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        command, env=env, stdin=secondary, stdout=secondary, stderr=secondary, preexec_fn=take_the_terminal
    )
    os.close(secondary)
    output, deadline = b"", time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.2)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the process ended and closed the terminal
                break
            output += chunk
            if answers and output.endswith(b": "):  # the space comes once getpass has turned echo off
                os.write(main, answers.pop(0).encode() + b"\n")
                output += b"\n"
        process.wait(timeout=10)
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
            process.wait()
    return output.decode(errors="replace")
