"""`inclusion certificates`: every eligible learner of a site, rendered by worker processes, into a folder or a ZIP.

The main process reads the database, freezes each snapshot and stores each certificate exactly as the API
does (same hash, same audit entry); worker processes only turn snapshots into PDF bytes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import zipfile
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import click

from inclusion import clock
from inclusion.accounts.users import caller_columns, caller_from, normalise_email
from inclusion.certificates import batches, rendering, services
from inclusion.errors import InvalidData
from inclusion.scoping import Caller, Role
from inclusion.settings import Settings
from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.sites import Site


def _warm_up() -> None:
    """Each worker renders once on start, so fonts and stylesheets are loaded before the first real job."""
    rendering.warm_up()


async def _signer(email: str) -> Caller:
    row = await User.select(*caller_columns(User)).where(User.email == normalise_email(email)).first().run()
    if row is None or not row["is_active"]:
        raise InvalidData({"--by": f"aucun compte actif pour {email}"})
    caller = await caller_from(row, "system")
    if caller.role == Role.funder:
        raise InvalidData({"--by": "un financeur ne délivre pas d'attestation"})
    return caller


async def _site_id(site: str) -> int:
    clause = Site.id == int(site) if site.isdigit() else Site.name == site
    row = await Site.select(Site.id).where(clause).first().run()
    if row is None:
        raise InvalidData({"--site": f"site inconnu : {site}"})
    return row["id"]


class _Output:
    """A folder, or a ZIP written as certificates arrive."""

    def __init__(self, path: Path, stack: ExitStack) -> None:
        self.zip = None
        if path.suffix.lower() == ".zip":
            path.parent.mkdir(parents=True, exist_ok=True)
            self.zip = stack.enter_context(zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED))
        else:
            path.mkdir(parents=True, exist_ok=True)
        self.path = path

    def write(self, name: str, content: bytes) -> None:
        if self.zip is not None:
            self.zip.writestr(name, content)
        else:
            (self.path / name).write_bytes(content)


async def issue_batch(
    settings: Settings,
    site: str,
    since: date,
    by: str,
    output: Path,
    workers: int,
    connect: Callable[[Settings], Awaitable[None]],
) -> dict[str, Any]:
    await connect(settings)
    caller = await _signer(by)
    site_id = await _site_id(site)
    learner_ids = await batches.eligible_learners(caller, site_id, since)
    loop = asyncio.get_running_loop()
    refused: list[tuple[int, str]] = []
    issued = 0
    context = multiprocessing.get_context("spawn")  # never fork a process that holds database threads
    with ExitStack() as stack:
        target = _Output(output, stack)
        pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up))
        bar = stack.enter_context(click.progressbar(length=len(learner_ids), label="Attestations", file=sys.stderr))

        async def rendered(learner: dict[str, Any], content: dict[str, Any]) -> tuple[dict, dict, bytes]:
            return learner, content, await loop.run_in_executor(pool, rendering.render_sync, content)

        tasks = []
        start, end = since, clock.today()
        async for learner_id, learner, content in batches.prepared(caller, learner_ids, start, end, settings.base_url):
            if learner is None:
                refused.append((learner_id, str(content)))
                bar.update(1)
            else:
                tasks.append(asyncio.ensure_future(rendered(learner, content)))  # type: ignore[arg-type]
        for finished in asyncio.as_completed(tasks):
            learner, content, pdf = await finished
            certificate = await services.store(caller, learner, content, pdf)
            target.write(batches.file_name(certificate), pdf)
            issued += 1
            bar.update(1)
    return {"issued": issued, "refused": refused}
