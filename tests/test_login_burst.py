"""Login throttling holds against a burst: 50 simultaneous attempts on one account against `inclusion serve --workers
2` (two processes, so no in-process lock can be what saves us), on the database kind under test."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from tests.support.browser import csrf_from
from tests.support.processes import cli_env, run_cli, serving

BURST = 50
EMAIL = "cible@rafale.test"


def account_with_password(env: dict[str, str]) -> str:
    """Create the targeted account from the command line; its generated password."""
    assert run_cli("migrate", env=env).returncode == 0
    done = run_cli("user", "create", EMAIL, "--name", "Cible", "--role", "admin", "--generate-password", env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().rsplit(" ", 1)[-1]


async def test_a_burst_of_fifty_logins_checks_at_most_five_passwords(fresh_database_url, tmp_path, record_property):
    """49 wrong passwords then the right one, all at once: at most 5 are checked, every other answers 429 with
    Retry-After, and the right password, inside the burst, is refused too."""
    env = cli_env(fresh_database_url, tmp_path, INCLUSION_LOG_LEVEL="WARNING")
    password = account_with_password(env)
    with serving(env) as served:
        limits = httpx.Limits(max_connections=BURST + 5)
        async with httpx.AsyncClient(base_url=served.base, timeout=60, limits=limits) as client:
            token = csrf_from(await client.get("/login"))

            async def attempt(guess: str) -> httpx.Response:
                return await client.post("/login", data={"email": EMAIL, "password": guess, "csrf_token": token})

            guesses = [f"mauvais-essai-{index}" for index in range(BURST - 1)] + [password]
            responses = await asyncio.gather(*[attempt(guess) for guess in guesses])
    output = served.output
    statuses = Counter(response.status_code for response in responses)
    checked = output.count("Échec de connexion")  # one warning per wrong password actually checked
    summary = f"{BURST} tentatives simultanées : {checked} mots de passe vérifiés, réponses {dict(statuses)}"
    record_property("burst", summary)
    print(summary)
    assert checked <= 5, summary
    assert statuses == {401: checked, 429: BURST - checked}, summary
    right = responses[-1]
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
    assert "Trop de tentatives de connexion échouées" in right.text
    assert "Traceback" not in output
