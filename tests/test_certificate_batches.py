"""`inclusion certificates`: a site's eligible learners rendered by worker processes into a folder or a ZIP."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import timedelta

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
