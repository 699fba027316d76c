"""Files holding personal data are their owner's alone: the data folder 0700, the SQLite database and its -wal and
-shm 0600, every backup 0600."""

from __future__ import annotations

import os
import stat

import pytest

from inclusion.settings import Settings
from inclusion.storage import db, engines
from tests.support.processes import cli_env, run_cli


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.sqlite_only
async def test_the_data_folder_and_the_sqlite_files_are_private(tmp_path):
    """A first start makes the data folder 0700 and the database, its -wal and -shm 0600 (umask 022 or not)."""
    data = tmp_path / "var" / "inclusion"
    settings = Settings(data_dir=data, database_url=f"sqlite:///{data / 'inclusion.db'}", secret_key="x" * 40)
    engine = engines.create_engine(settings)
    try:
        await db.prepare(engine)
        await engine._run_in_new_connection("CREATE TABLE note (text TEXT)")
        await engine._run_in_new_connection("INSERT INTO note VALUES ('Marie Martin')")
        assert mode(data) == 0o700
        assert {name: mode(data / name) for name in ("inclusion.db", "inclusion.db-wal", "inclusion.db-shm")} == {
            "inclusion.db": 0o600,
            "inclusion.db-wal": 0o600,
            "inclusion.db-shm": 0o600,
        }
    finally:
        await db.close(engine)


@pytest.mark.sqlite_only
def test_an_existing_database_readable_by_others_is_tightened(tmp_path):
    """A database file left 0644 by an older version is 0600 once the service opens it again."""
    env = cli_env(f"sqlite:///{tmp_path / 'inclusion.db'}", tmp_path)
    assert run_cli("migrate", env=env).returncode == 0
    os.chmod(tmp_path / "inclusion.db", 0o644)
    assert run_cli("migrate", env=env).returncode == 0
    assert mode(tmp_path / "inclusion.db") == 0o600


def test_a_backup_is_readable_by_its_owner_only(fresh_database_url, tmp_path):
    """`inclusion backup` writes a 0600 file, on SQLite and PostgreSQL alike."""
    env = cli_env(fresh_database_url, tmp_path)
    assert run_cli("migrate", env=env).returncode == 0
    target = tmp_path / "sauvegardes" / "2026-01-01.dump"
    target.parent.mkdir()
    done = run_cli("backup", str(target), env=env)
    assert done.returncode == 0, done.stderr
    assert mode(target) == 0o600
