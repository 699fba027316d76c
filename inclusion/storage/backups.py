"""Backups: the whole database to one file, and back, with nothing but the database URL.

SQLite: the online backup API copies a consistent snapshot while the service runs; restoring copies the backup's
pages over the live file in one write transaction. PostgreSQL: `pg_dump` in its custom format, and
`pg_restore --clean --single-transaction`, so a restore that fails changes nothing. A backup is first written
beside its target and renamed once complete: a failed one never leaves half a file under the name given. A
backup file is readable and writable by its owner only (0600) from its creation.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from inclusion.errors import DomainError
from inclusion.settings import database_kind, private_file
from inclusion.storage.engines import sqlite_path

SQLITE_MARKERS = {"migration", "learner", "activity"}
"""Tables every database of the service has: a file without them is not one of its backups."""


class BackupFailed(DomainError):
    message = "La sauvegarde a échoué."


def backup(database_url: str, target: Path) -> int:
    """Write a copy of the database to `target`; its size in bytes."""
    partial = target.with_name(f"{target.name}.partiel")
    partial.unlink(missing_ok=True)
    try:
        private_file(partial)  # 0600 from the first byte: a backup holds every learner's file
        if database_kind(database_url) == "sqlite":
            _copy_sqlite(sqlite_path(database_url), partial)
        else:
            _run("pg_dump", "--format=custom", "--no-owner", f"--file={partial}", database_url)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def restore(database_url: str, source: Path) -> None:
    """Replace every table's content with the backup's."""
    if database_kind(database_url) == "sqlite":
        _check_sqlite_backup(source)
        _copy_sqlite(source, sqlite_path(database_url))
    else:
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database_url}",
            str(source),
        )


def _copy_sqlite(source: Path, target: Path) -> None:
    try:
        reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        writing = sqlite3.connect(target, timeout=30)
        try:
            reading.backup(writing)
        finally:
            writing.close()
            reading.close()
    except sqlite3.Error as error:
        raise BackupFailed(f"Copie impossible de {source} vers {target} : {error}.") from error


def _check_sqlite_backup(source: Path) -> None:
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            healthy = connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupFailed(f"{source} n'est pas une sauvegarde SQLite lisible : {error}.") from error
    if not SQLITE_MARKERS <= tables or not healthy:
        raise BackupFailed(f"{source} n'est pas une sauvegarde de ce service (ou elle est abîmée).")


def _run(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise BackupFailed(f"{tool} est introuvable : installez le client PostgreSQL (paquet postgresql-client).")
    done = subprocess.run([tool, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupFailed(f"{tool} a échoué : {done.stderr.strip() or done.stdout.strip()}")
