"""The `inclusion` command, run as a real process."""

import re

import pytest

from tests.support.browser import login
from tests.support.processes import cli_env, run_cli


def test_migrate_check_tells_when_migrations_are_missing(fresh_database_url, tmp_path):
    """On an empty database --check fails and names the migrations; after migrate it passes."""
    env = cli_env(fresh_database_url, tmp_path)
    before = run_cli("migrate", "--check", env=env)
    assert before.returncode == 1
    assert "migration non appliquée" in before.stderr
    assert run_cli("migrate", env=env).returncode == 0
    after = run_cli("migrate", "--check", env=env)
    assert after.returncode == 0, after.stderr
    assert "Base à jour" in after.stdout


def test_demo_is_refused_in_production(fresh_database_url, tmp_path):
    """Known demo passwords never reach a production database."""
    production = {"INCLUSION_SECRET_KEY": "k" * 40, "INCLUSION_PUBLIC_BASE_URL": "https://inclusion.example.fr"}
    env = cli_env(fresh_database_url, tmp_path, INCLUSION_ENV="production", **production)
    result = run_cli("demo", env=env)
    assert result.returncode == 1 and "refusées en production" in result.stderr


@pytest.mark.parametrize(
    ("url", "code", "sentence"),
    [
        ("postgresql://postgres@127.0.0.1:1/inclusion", 1, "Base de données injoignable"),
        ("mysql://root@127.0.0.1/inclusion", 2, "schéma « mysql » non pris en charge"),
    ],
)
def test_bad_database_stops_with_one_sentence(tmp_path, url, code, sentence):
    """An unreachable database or an unknown scheme stops the start with one sentence, no traceback."""
    result = run_cli("serve", env=cli_env(url, tmp_path))
    assert result.returncode == code
    assert sentence in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_production_without_secret_stops(tmp_path, database_url):
    """Production without INCLUSION_SECRET_KEY does not start."""
    result = run_cli("serve", env=cli_env(database_url, tmp_path, INCLUSION_ENV="production"))
    assert result.returncode == 2 and "INCLUSION_SECRET_KEY est obligatoire" in result.stderr


def test_help_is_french_everywhere(tmp_path, database_url):
    """Every command explains itself in French."""
    env = cli_env(database_url, tmp_path)
    for command, words in [
        ([], "suivi de l'accompagnement"),
        (["serve"], "Applique les migrations"),
        (["migrate"], "vérifie seulement"),
        (["demo"], "démonstration"),
        (["user", "create"], "mot de passe"),
        (["token", "create"], "affiche une seule fois"),
    ]:
        result = run_cli(*command, "--help", env=env)
        assert result.returncode == 0 and words in result.stdout, command


async def test_user_create_prints_a_password_that_logs_in(app, client, make, database_url, tmp_path):
    """`user create` with a generated password prints it once; that password opens a session."""
    site = await make.site("Espace Carnot")
    env = cli_env(database_url, tmp_path)
    result = run_cli(
        "user", "create", "Lina@Exemple.fr", "--name", "Lina", "--role", "adviser",
        "--site", "Espace Carnot", "--generate-password", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"sites [{site}]" in result.stdout
    password = re.search(r"affiché une seule fois\) : (\S+)", result.stdout).group(1)
    assert (await login(client, "lina@exemple.fr", password)).status_code == 303
    again = run_cli(
        "user", "create", "lina@exemple.fr", "--name", "L", "--role", "adviser", "--site", str(site), env=env
    )
    assert again.returncode == 1 and "Un compte existe déjà" in again.stderr
    no_site = run_cli("user", "create", "sans@exemple.fr", "--name", "S", "--role", "adviser", env=env)
    assert no_site.returncode == 1 and no_site.stderr.strip() == "--site : Indiquez au moins un site."


async def test_user_create_prompts_for_the_password(app, client, make, database_url, tmp_path):
    """Without --generate-password on a terminal-less stdin, a password is generated (never an empty one)."""
    env = cli_env(database_url, tmp_path)
    result = run_cli("user", "create", "x@exemple.fr", "--name", "X", "--role", "admin", env=env, stdin="")
    assert result.returncode == 0, result.stderr
    assert "Mot de passe (affiché une seule fois)" in result.stdout


async def test_token_create_prints_a_working_token(app, client, make, database_url, tmp_path):
    """`token create` prints a token the API accepts."""
    user = await make.user("adviser", await make.site())
    result = run_cli("token", "create", user["email"], "--name", "Script", env=cli_env(database_url, tmp_path))
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().split()[-1]
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["email"] == user["email"]
    unknown = run_cli("token", "create", "personne@exemple.fr", env=cli_env(database_url, tmp_path))
    assert unknown.returncode == 1 and "aucun compte" in unknown.stderr
