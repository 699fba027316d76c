"""Outcomes reports are built in processes of their own, never on a server worker's event loop.

A national report is seconds of Python; on the loop, that worker would answer nothing else meanwhile (not even
`/health`). Each server process keeps one pool of INCLUSION_REPORT_PROCESSES processes (`jobs` runs in them,
each with its own database connections). At most that many reports are built at once per server process; a
report asked while all are busy waits up to INCLUSION_REPORT_WAIT_SECONDS for one, then is refused with `Busy`
(503 and Retry-After). A slot is held until its process has finished, even if the asker has gone.

Processes are spawned (never a fork of the server's process, with its loop, threads and connections), once per
server process and database, and reused by every app built there (the test suite builds many). Each ends by
itself when the server process has gone, however it ended."""

from __future__ import annotations

import asyncio
import atexit
import gc
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from inclusion.errors import Busy
from inclusion.reports import jobs
from inclusion.settings import Settings

logger = logging.getLogger("inclusion.reports")
POLL_SECONDS = 0.05
RETRY_AFTER_SECONDS = 5
BROKEN = "Le calcul du rapport a été interrompu : réessayez dans quelques secondes."


class ReportPool:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.size = settings.report_processes
        self.running = 0
        self._lock = threading.Lock()  # `running` also drops in the executor's thread
        self._executor: ProcessPoolExecutor | None = None

    def _take(self) -> bool:
        with self._lock:
            if self.running >= self.size:
                return False
            self.running += 1
            return True

    def _give_back(self, _: Future | None = None) -> None:
        with self._lock:
            self.running -= 1

    def executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(
                self.size, mp_context=context, initializer=jobs.start, initargs=(self.settings, os.getpid())
            )
        return self._executor

    def start(self) -> None:
        """Start every process now (at the server's start), so the first report does not wait for them."""
        executor = self.executor()
        for _ in range(self.size):
            executor.submit(jobs.ready)

    async def run(self, job: jobs.Job, patient: bool = False) -> tuple[dict[str, Any], Any]:
        """The job's answer, from a report process; `Busy` when none frees within the wait (never if `patient`)."""
        deadline = time.monotonic() + max(self.settings.report_wait_seconds, 0)
        while not self._take():
            if not patient and time.monotonic() >= deadline:
                raise Busy(RETRY_AFTER_SECONDS)
            await asyncio.sleep(POLL_SECONDS)
        try:
            future = self.executor().submit(jobs.run, job)
        except BaseException:
            self._give_back()
            raise
        future.add_done_callback(self._give_back)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            logger.error("Un processus de calcul des rapports s'est arrêté ; le groupe est relancé.")
            self.shutdown()
            raise Busy(RETRY_AFTER_SECONDS, BROKEN) from None

    def shutdown(self, kill: bool = False) -> None:
        """Stop taking jobs; `kill`: end the processes at once (a report or upkeep mid-way is abandoned: it is
        only ever read again from the records)."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if not kill:
            executor.shutdown(wait=False, cancel_futures=True)
            return
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        executor.shutdown(wait=True, cancel_futures=True)  # its processes are gone: returns at once
        del executor
        gc.collect()  # its queues' semaphores are released now: the server may end without exit hooks


_pools: dict[tuple, ReportPool] = {}


def stop_all() -> None:
    """End every report process now (the server is stopping: a report still being built is abandoned)."""
    for pool in _pools.values():
        pool.shutdown(kill=True)


def pool_for(settings: Settings) -> ReportPool:
    """The process's pool for this database and these limits (made at first use)."""
    key = (settings.database_url, settings.sqlite_busy_timeout_seconds, settings.time_zone,
           settings.report_processes, settings.report_wait_seconds)  # fmt: skip
    if key not in _pools:
        _pools[key] = ReportPool(settings)
    return _pools[key]


atexit.register(stop_all)


async def caller_report(settings: Settings, caller: Any, site_ids: list[int], date_from, date_to, today,
                        output: str | None = None, generated_at=None, region: str | None = None,
                        departement: str | None = None) -> tuple[dict[str, Any], Any]:  # fmt: skip
    """The caller's outcomes report (`services.outcomes_report`), and its `output` (`jobs.Job`), built off the loop."""
    args = (caller, site_ids, date_from, date_to, settings.small_cell_k, today, region, departement)
    return await pool_for(settings).run(jobs.Job("caller", args, output, generated_at))


async def scope_report(settings: Settings, scope: Any, output: str | None = None,
                       generated_at=None) -> tuple[dict[str, Any], Any]:  # fmt: skip
    """A resolved scope's report (a share link's: always suppressed), and its `output`, built off the loop."""
    return await pool_for(settings).run(jobs.Job("scope", (scope, settings.small_cell_k), output, generated_at))


async def site_table(settings: Settings, caller: Any, site_ids: list[int], date_from, date_to, today,
                     region: str | None, departement: str | None, page: Any,
                     output: str | None = None) -> tuple[dict[str, Any], Any]:  # fmt: skip
    """A page of the report's table by site (`site_table.site_table`; every site when `page` is None), and its
    `output` ("json", "csv", "xlsx"), built off the loop."""
    args = (caller, settings.small_cell_k, today, site_ids, date_from, date_to, region, departement, page)
    return await pool_for(settings).run(jobs.Job("sites", args, output))


async def upkeep(settings: Settings) -> tuple[int, int, int]:
    """One run of the reports' daily upkeep (`months.fold.upkeep`), in a report process when one is free."""
    _, counts = await pool_for(settings).run(jobs.Job("upkeep", ()), patient=True)
    return counts
