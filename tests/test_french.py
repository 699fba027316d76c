"""What a person reads is French: the command line's help and mistakes, days on the pages, and words that agree
with a learner's recorded gender (or a neutral wording where it is not known, never "inscrit(e)")."""

from __future__ import annotations

import re
from datetime import timedelta

import click
import pytest
from click.testing import CliRunner

from inclusion.cli import main
from inclusion.clock import short_day
from inclusion.storage.tables.learners import Learner
from tests.support.browser import logged_in
from tests.support.certificates import pdf_text, typical_learner
from tests.support.clock import paris_today
from tests.support.processes import cli_env, run_cli

ENGLISH = re.compile(
    r"Usage:|Options:|Commands:|Show this message|\[required|default:|Error:|Try '|COMMAND \[ARGS|\b(TEXT|INTEGER)\b"
)


def commands(group: click.Group, path: tuple[str, ...] = ()):
    """Every command and group under `group`, as the words that call it."""
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def test_the_command_line_helps_and_corrects_in_french(tmp_path, database_url):
    """`inclusion --help`, a subcommand's help with required options, and a mistyped value answer in French."""
    env = cli_env(database_url, tmp_path)
    top = run_cli("--help", env=env)
    assert top.returncode == 0 and "Utilisation :" in top.stdout and "[OPTIONS] COMMANDE [ARGUMENTS]" in top.stdout
    assert "Affiche cette aide et quitte." in top.stdout and "Commandes :" in top.stdout
    batch = run_cli("certificates", "--help", env=env)
    assert "--site SITE" in batch.stdout and "[obligatoire]" in batch.stdout and "[défaut : 2" in batch.stdout
    wrong = run_cli("serve", "--port", "huit", env=env)
    assert wrong.returncode == 2
    assert "Erreur : Valeur non valide pour '--port' : 'huit' n'est pas un nombre valide." in wrong.stderr
    for result in (top, batch, wrong):
        assert not ENGLISH.search(result.stdout + result.stderr), result.stdout + result.stderr


@pytest.mark.parametrize("words", list(commands(main)), ids=" ".join)
def test_every_command_explains_itself_in_french(words):
    """Each command's help, its options' help included, has no word of click's English."""
    result = CliRunner().invoke(main, [*words, "--help"], prog_name="inclusion")
    assert result.exit_code == 0, result.output
    assert "Utilisation : inclusion" in result.output and "Affiche cette aide et quitte." in result.output
    assert not ENGLISH.search(result.output), result.output


async def test_attendance_days_are_named_in_french(client, make):
    """The attendance page names its days the French way ("ven. 4 déc."), not the server's locale."""
    site = await make.site("Espace Carnot")
    await logged_in(client, await make.user("adviser", site))
    page = await client.get(f"/sites/{site}/attendance")
    assert page.status_code == 200
    assert short_day(paris_today()) in page.text and short_day(paris_today() - timedelta(days=13)) in page.text
    assert not re.search(r"\b(Tue|Wed|Thu|Fri|Sat|Sun)\b", page.text)  # 14 days: each weekday shows


@pytest.mark.parametrize(
    ("gender", "registered", "present"),
    [
        ("feminin", "Inscrite le", "Présente"),
        ("masculin", "Inscrit le", "Présent"),
        ("non_communique", "Première venue", "Oui"),
    ],
)
async def test_the_learner_page_agrees_with_the_recorded_gender(client, make, gender, registered, present):
    """A learner's page says "Inscrite le", "Inscrit le" or, gender unknown, "Première venue", and likewise for a
    session attended; never a form like "inscrit(e)"."""
    site = await make.site("Espace Carnot")
    await logged_in(client, await make.user("adviser", site))
    learner = await make.learner(site, "Camille", "Roux", gender=gender)
    await make.activity(site, type="individuel", title="", learner=learner)
    page = await client.get(f"/learners/{learner}")
    assert page.status_code == 200
    assert f"<dt>{registered}</dt>" in page.text and f">{present}</td>" in page.text
    assert not re.search(r"\w\((e|es)\)|\w·e\b", page.text)


async def test_the_certificate_agrees_with_the_recorded_gender(client, make, tmp_path):
    """The certificate PDF says "a été accompagnée", "a été accompagné" or, gender unknown, "a bénéficié d'un
    accompagnement": the gender is frozen with the certificate's other content."""
    setup = await typical_learner(client, make)
    for gender, sentence in [
        ("feminin", "Marie-Ève Durand a été accompagnée dans ses usages"),
        ("masculin", "Marie-Ève Durand a été accompagné dans ses usages"),
        ("non_communique", "Marie-Ève Durand a bénéficié d'un accompagnement dans ses usages"),
    ]:
        await Learner.update({Learner.gender: gender}).where(Learner.id == setup["learner"])
        response = await client.post(
            "/api/v1/certificates", json={"learner_id": setup["learner"]}, headers=setup["headers"]
        )
        assert response.status_code == 201, response.text
        document = await client.get(response.json()["pdf_url"], headers=setup["headers"])
        text = " ".join(pdf_text(document.content, tmp_path).split())
        assert sentence in text and not re.search(r"\w·\w|\w\(e\)", text), text[:400]
