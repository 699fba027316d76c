"""Run the `inclusion` command as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cli_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("INCLUSION_")}
    env.update(INCLUSION_DATABASE_URL=database_url, INCLUSION_DATA_DIR=str(data_dir), **extra)
    return env


def run_cli(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "inclusion", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
