"""`inclusion certificates`: a site's eligible learners rendered by worker processes into a folder or a ZIP."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime, timedelta

from inclusion.certificates.command import Progress
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.certificates import Certificate
from tests.support.certificates import TODAY, pdf_text, typical_learner
from tests.support.processes import cli_env, run_cli


async def test_batch_into_a_zip_with_two_workers_records_each_certificate(client, make, database_url, tmp_path):
    """Every consenting learner active since the date gets a certificate, stored and audited like the API does;
    learners without consent or inactive since then are left out."""
    setup = await typical_learner(client, make)
    since = (TODAY - timedelta(days=200)).isoformat()
    others = [
        await make.learner(
            setup["site"], f"Prénom{index}", "Lot", consent_certificate=True, first_visit_on=TODAY - timedelta(days=150)
        )
        for index in range(3)
    ]
    for learner in others:
        await make.assessment(learner, {"navigation": 1, "courriel": 2}, assessed_on=TODAY - timedelta(days=10))
    no_consent = await make.learner(setup["site"], "Sans", "Accord", first_visit_on=TODAY - timedelta(days=150))
    await make.assessment(no_consent, {"navigation": 1}, assessed_on=TODAY - timedelta(days=10))
    signer = await make.user("adviser", setup["site"])
    output = tmp_path / "lot" / "attestations.zip"
    env = cli_env(database_url, tmp_path, INCLUSION_PUBLIC_BASE_URL="https://inclusion.example.fr")
    args = ["certificates", "--site", "Espace Carnot", "--since", since, "--by", signer["email"]]
    result = run_cli(*args, "--output", str(output), "--workers", "2", env=env)
    assert result.returncode == 0, result.stderr
    assert "4 attestation(s) délivrée(s)" in result.stdout and "Attestations" in result.stderr
    archive = zipfile.ZipFile(output)
    rows = await Certificate.select(Certificate.code, Certificate.sha256, Certificate.learner, Certificate.issued_by)
    assert sorted(row["learner"] for row in rows) == sorted([setup["learner"], *others])
    assert {row["issued_by"] for row in rows} == {signer["id"]}
    by_code = {row["code"]: row["sha256"] for row in rows}
    for name in archive.namelist():
        content = archive.read(name)
        code = name.removesuffix(".pdf").split("-", 2)[2]
        assert hashlib.sha256(content).hexdigest() == by_code[code]
    text = pdf_text(archive.read(next(n for n in archive.namelist() if f"-{setup['learner']}-" in n)), tmp_path)
    assert "Marie-Ève Durand" in text and "https://inclusion.example.fr/verify/" in text
    audited = await AuditEntry.count().where(AuditEntry.action == "certify")
    assert audited == 4


async def test_batch_into_a_folder_and_bad_options(client, make, database_url, tmp_path):
    """A folder receives one PDF per learner; an unknown site or signer stops with one sentence."""
    setup = await typical_learner(client, make)
    signer = await make.user("adviser", setup["site"])
    env = cli_env(database_url, tmp_path)
    since = (TODAY - timedelta(days=200)).isoformat()
    folder = tmp_path / "dossier"
    args = ["certificates", "--site", str(setup["site"]), "--since", since, "--by", signer["email"]]
    result = run_cli(*args, "--output", str(folder), "--workers", "1", env=env)
    assert result.returncode == 0, result.stderr
    assert [path.suffix for path in folder.iterdir()] == [".pdf"]
    unknown = run_cli(
        "certificates",
        "--site",
        "Nulle part",
        "--since",
        since,
        "--by",
        signer["email"],
        "--output",
        str(folder),
        env=env,
    )
    assert unknown.returncode == 1 and "site inconnu" in unknown.stderr
    nobody = run_cli(*args[:5], "--by", "personne@x.test", "--output", str(folder), env=env)
    assert nobody.returncode == 1 and "aucun compte actif" in nobody.stderr


async def test_a_second_batch_issues_nothing_and_says_who_was_already_certified(client, make, database_url, tmp_path):
    """Run twice, the batch issues nothing the second time: it counts the learners already holding a valid
    certificate covering the period and puts those same PDFs in the output; a revoked or shorter one does not
    count. Without a terminal, progress comes as lines."""
    setup = await typical_learner(client, make)
    since = TODAY - timedelta(days=200)
    other = await make.learner(setup["site"], "Paul", "Lot", consent_certificate=True, first_visit_on=since)
    await make.assessment(other, {"navigation": 1, "courriel": 2}, assessed_on=TODAY - timedelta(days=10))
    shorter = await make.certificate(other, period_start=TODAY - timedelta(days=20), period_end=TODAY)
    signer = await make.user("adviser", setup["site"])
    env = cli_env(database_url, tmp_path)
    args = ["certificates", "--site", str(setup["site"]), "--since", since.isoformat(), "--by", signer["email"]]
    first = run_cli(*args, "--output", str(tmp_path / "premier.zip"), "--workers", "1", env=env)
    assert first.returncode == 0, first.stderr
    assert "2 attestation(s) délivrée(s)" in first.stdout and "Déjà attestés : 0" in first.stdout
    assert "Attestations : 1/2 (50 %)" in first.stderr and "Attestations : 2/2 (100 %)" in first.stderr
    second = run_cli(*args, "--output", str(tmp_path / "second.zip"), "--workers", "1", env=env)
    assert second.returncode == 0, second.stderr
    assert "0 attestation(s) délivrée(s)" in second.stdout and "Déjà attestés : 2" in second.stdout
    rows = await Certificate.select(Certificate.id, Certificate.code, Certificate.sha256, Certificate.learner)
    assert len(rows) == 3  # the shorter one and the two of the first run
    issued = {row["code"]: row["sha256"] for row in rows if row["id"] != shorter}
    archive = zipfile.ZipFile(tmp_path / "second.zip")
    assert sorted(name.removesuffix(".pdf").split("-", 2)[2] for name in archive.namelist()) == sorted(issued)
    assert all(hashlib.sha256(archive.read(name)).hexdigest() in issued.values() for name in archive.namelist())
    revoked = next(row["id"] for row in rows if row["learner"] == other and row["id"] != shorter)
    await Certificate.update({Certificate.revoked_at: datetime.now(UTC)}).where(Certificate.id == revoked)
    third = run_cli(*args, "--output", str(tmp_path / "troisieme"), "--workers", "1", env=env)
    assert "1 attestation(s) délivrée(s)" in third.stdout and "Déjà attestés : 1" in third.stdout
    assert await Certificate.count() == 4


def test_progress_without_a_terminal_is_a_line_each_tenth_or_each_ten_seconds():
    """Not on a terminal, progress is one line per tenth done, one more when ten seconds pass without a line
    (even when nothing finished), and the last one at 100 %."""
    now = [0.0]
    stream = io.StringIO()
    progress = Progress(200, stream, clock=lambda: now[0])
    for _ in range(40):
        progress.update()
    assert stream.getvalue().splitlines() == ["Attestations : 20/200 (10 %)", "Attestations : 40/200 (20 %)"]
    now[0] = 9.0
    progress.update()
    progress.tick()
    assert len(stream.getvalue().splitlines()) == 2
    now[0] = 10.5
    progress.tick()
    assert stream.getvalue().splitlines()[-1] == "Attestations : 41/200 (20 %)"
    now[0] = 21.0
    progress.update()
    assert stream.getvalue().splitlines()[-1] == "Attestations : 42/200 (21 %)"
    progress.update(158)
    assert stream.getvalue().splitlines()[-1] == "Attestations : 200/200 (100 %)"
    assert len(stream.getvalue().splitlines()) == 5
