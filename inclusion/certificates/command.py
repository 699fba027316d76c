"""`inclusion certificates`: every eligible learner of a site, rendered by worker processes, into a folder or a ZIP.

The main process reads the database, freezes each snapshot and stores each certificate exactly as the API
does (same hash, same audit entry); worker processes only turn snapshots into PDF bytes. A learner who already
holds a valid certificate covering the period gets no second one: its stored PDF goes to the output instead, so
running the same batch twice issues nothing the second time. Progress goes to stderr: a live bar on a terminal,
otherwise (cron, a log file) a line every 10 % or every 10 seconds, whichever comes first.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
import zipfile
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any, TextIO

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


class Progress:
    """How far the batch is. On a terminal, click's live bar; elsewhere, a line each time another tenth is done
    or `interval` seconds have passed since the last line, whichever comes first, and one at the end."""

    def __init__(
        self, total: int, stream: TextIO, clock: Callable[[], float] = time.monotonic, interval: float = 10.0
    ) -> None:
        self.total, self.stream, self.clock, self.interval = total, stream, clock, interval
        self.done = 0
        self.bar = click.progressbar(length=total, label="Attestations", file=stream) if stream.isatty() else None
        if self.bar is not None:
            self.bar.__enter__()
        self.last_time, self.last_tenth = clock(), 0

    @property
    def tenth(self) -> int:
        return self.done * 10 // self.total if self.total else 10

    def update(self, count: int = 1) -> None:
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
        elif self.tenth > self.last_tenth or self.clock() - self.last_time >= self.interval or self.done == self.total:
            self.line()

    def tick(self) -> None:
        """A line if none came for `interval` seconds, even when nothing finished meanwhile."""
        if self.bar is None and self.clock() - self.last_time >= self.interval:
            self.line()

    async def heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.interval / 4)
            self.tick()

    def line(self) -> None:
        percent = self.done * 100 // self.total if self.total else 100
        self.stream.write(f"Attestations : {self.done}/{self.total} ({percent} %)\n")
        self.stream.flush()
        self.last_time, self.last_tenth = self.clock(), self.tenth

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def summary_lines(summary: dict[str, Any], output: Path) -> list[str]:
    """What the command says once done (refusals go to stderr, one learner a line)."""
    return [
        f"{summary['issued']} attestation(s) délivrée(s) dans {output}.",
        f"Déjà attestés : {summary['skipped']} (une attestation valide couvre déjà la période : "
        "elle est reprise telle quelle, aucune nouvelle n'est délivrée).",
    ]


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
    start, end = since, clock.today()
    held = await batches.covering(learner_ids, start, end)
    loop = asyncio.get_running_loop()
    refused: list[tuple[int, str]] = []
    issued = skipped = 0
    context = multiprocessing.get_context("spawn")  # never fork a process that holds database threads
    progress = Progress(len(learner_ids), sys.stderr)
    heartbeat = asyncio.ensure_future(progress.heartbeat())
    with ExitStack() as stack:
        stack.callback(progress.close)
        stack.callback(heartbeat.cancel)
        target = _Output(output, stack)
        for certificate_id in held.values():
            certificate = await services.get_certificate(caller, certificate_id)
            if (pdf := await batches.stored_pdf(certificate_id)) is not None:
                target.write(batches.file_name(certificate), pdf)
            skipped += 1
            progress.update()
        fresh = [learner_id for learner_id in learner_ids if learner_id not in held]
        if fresh:  # workers only when there is something to render
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up))

        async def rendered(learner: dict[str, Any], content: dict[str, Any]) -> tuple[dict, dict, bytes]:
            return learner, content, await loop.run_in_executor(pool, rendering.render_sync, content)

        tasks = []
        async for learner_id, learner, content in batches.prepared(caller, fresh, start, end, settings.base_url):
            if learner is None:
                refused.append((learner_id, str(content)))
                progress.update()
            else:
                tasks.append(asyncio.ensure_future(rendered(learner, content)))  # type: ignore[arg-type]
        for finished in asyncio.as_completed(tasks):
            learner, content, pdf = await finished
            certificate = await services.store(caller, learner, content, pdf)
            target.write(batches.file_name(certificate), pdf)
            issued += 1
            progress.update()
    return {"issued": issued, "skipped": skipped, "refused": refused}
