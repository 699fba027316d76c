"""One thread per SQLite file that runs statement plans back to back, several to a transaction.

SQLite has one writer at a time. Handed from coroutine to coroutine, the write lock is also held while
the event loop gets round to resuming the holder, so under load most of its hold time is spent waiting
for the loop, not writing. Here plans queue for a thread that owns a connection: it takes every plan
waiting, runs each inside a SAVEPOINT of one IMMEDIATE transaction (a plan that fails rolls back to its
savepoint, alone), commits once, then answers each caller. A caller hears of success only after the
commit that holds its writes ("group commit"). Checkpoints are left to a thread of their own
(`inclusion.storage.sqlite.checkpoints`), so that no COMMIT here waits for the log to be copied and synced.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

from piccolo.engine.sqlite import dict_factory

from inclusion.storage.sqlite.checkpoints import WRITER_PRAGMAS, Checkpointer

MAX_BATCH = 32
RETRY_SECONDS = 0.001
"""How often a plan (on the writer thread, or waiting on the event loop) tries again for the write lock while another
process holds it."""
_BUSY = object()
"""`_try_here`: another process holds the write lock."""
CONNECTION_PRAGMAS = ("PRAGMA foreign_keys = 1", "PRAGMA synchronous = NORMAL", "PRAGMA temp_store = MEMORY")
"""Foreign keys on; in WAL mode, sync at checkpoints rather than at every commit (a crashed process loses
nothing; only a power cut can lose the last commits, never corrupt the file); savepoints' undo pages kept in
memory, not in a temporary file. Every connection runs them."""
Plan = Generator[tuple[str, Sequence[Any]], list[Any], Any]


@dataclass(slots=True)
class _Job:
    plan: Plan
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future
    outcome: tuple[bool, Any] = field(default=(False, None))


class PlanWriter:
    """Owns one connection and one daemon thread, both opened on the first plan."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.gate = threading.Lock()
        """Held by the thread around each transaction, by the event loop's own write transactions, and by a
        checkpoint that restarts the log."""
        self.checkpointer = Checkpointer(connect, self.gate)
        self._here: sqlite3.Connection | None = None
        """The connection of `run_here`, used under the gate by whichever thread holds it."""
        self._patience = 10.0
        """The busy timeout of the engine's connections (seconds), read when `_here` opens."""
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
        """Per event loop: the plans waiting on the loop for another process to release the write lock."""

    async def run_here(self, plan: Plan) -> Any:
        """Run a short plan on the calling thread (the event loop's) in a transaction of its own if the write lock
        is free at once; otherwise queue it for the thread, which waits for the lock. On the loop's thread a plan
        shares the GIL with nobody: on the thread, each of its statements gave the GIL up, then waited for the
        loop to hand it back, and the loop and the thread took turns rather than working side by side
        (bench/activities_write.py: 3,500 against 4,600 workshops a second). The loop waits for the plan, so
        only plans of a few milliseconds belong here.

        When another process holds the lock, the plan waits its turn on the loop (`_when_free`) rather than on the
        thread: there, waiting for the GIL at each statement while the loop worked, a batch held the lock 47 ms or
        more one time in ten (164 ms one in a hundred) against 2.9 ms (13 ms) for a plan run here, and the other
        process's plans queued behind it (bench/mixed_load.py --workers 2 on a loaded host)."""
        turn = self._turn()
        outcome = _BUSY if turn.locked() else self._try_here(plan)  # plans already waiting go first
        if outcome is _BUSY:
            outcome = await self._when_free(plan, turn)
        if outcome is None:
            return await self.run(plan)
        succeeded, value = outcome
        if not succeeded:
            raise value
        return value

    def _turn(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        turn = self._turns.get(loop)
        if turn is None:
            turn = self._turns[loop] = asyncio.Lock()
        return turn

    async def _when_free(self, plan: Plan, turn: asyncio.Lock) -> Any:
        """`_try_here` again every RETRY_SECONDS while another process writes, one plan of this loop at a time (the
        others wait for their turn), for the busy timeout at most; then None: the thread will try, and report."""
        async with turn:
            deadline = time.monotonic() + self._patience
            while (outcome := self._try_here(plan)) is _BUSY and time.monotonic() < deadline:
                await asyncio.sleep(RETRY_SECONDS)
        return None if outcome is _BUSY else outcome

    def _try_here(self, plan: Plan) -> Any:
        """The plan's outcome; None if it was not run because this process's writer thread or a checkpoint holds
        the gate (or a checkpoint waits for it); _BUSY if another process holds the write lock (or the lock could
        not be taken)."""
        if self.checkpointer.wants_gate.is_set() or not self.gate.acquire(blocking=False):
            return None
        try:
            if self._here is None:
                self._here = open_configured(self._connect)
                self._patience = self._here.execute("PRAGMA busy_timeout").fetchone()["timeout"] / 1000
                for pragma in (*WRITER_PRAGMAS, "PRAGMA busy_timeout = 0"):
                    self._here.execute(pragma)
            try:
                self._here.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:  # busy: tried again; worse: the thread reports it
                return _BUSY if _busy(error) else None
            except sqlite3.Error:
                return None
            job = _Job(plan, None, None)
            if not _finish_alone(self._here, job):
                self._here.close()  # state unknown after a failed COMMIT or ROLLBACK: never reuse it
                self._here = None
        finally:
            self.gate.release()
        self.checkpointer.nudge()
        return job.outcome

    async def run(self, plan: Plan) -> Any:
        loop = asyncio.get_running_loop()
        job = _Job(plan, loop, loop.create_future())
        self._ensure_started()
        self._jobs.put(job)
        return await job.future

    def stop(self) -> None:
        """Finish the queued plans, then close the connection and end the thread."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(None)
            thread.join(timeout=30)
        with self.gate:
            here, self._here = self._here, None
            if here is not None:
                here.close()
        self.checkpointer.stop()

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="sqlite-plan-writer", daemon=True)
                self._thread.start()

    def _serve(self) -> None:
        connection: sqlite3.Connection | None = None
        patience = 0.0  # the engine's busy timeout, read from the connection once it is open
        while True:
            first = self._jobs.get()
            if first is None:
                break
            batch = [first]
            stopping = False
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            with self.gate:
                if connection is None:
                    connection = open_configured(self._connect)
                    patience = connection.execute("PRAGMA busy_timeout").fetchone()["timeout"] / 1000
                    for pragma in (*WRITER_PRAGMAS, "PRAGMA busy_timeout = 0"):
                        connection.execute(pragma)
                if not _run_batch(connection, batch, patience):
                    connection.close()  # state unknown after a failed COMMIT or ROLLBACK: never reuse it
                    connection = None
            self.checkpointer.nudge()
            for job in batch:
                job.loop.call_soon_threadsafe(settle, job.future, job.outcome)
            if stopping:
                break
        if connection is not None:
            connection.close()


def open_configured(connect: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
    """A new connection with rows as dicts and the app's pragmas."""
    connection = connect()
    connection.row_factory = dict_factory
    for pragma in CONNECTION_PRAGMAS:
        connection.execute(pragma)
    return connection


def begin_immediate(connection: sqlite3.Connection, patience: float) -> None:
    """BEGIN IMMEDIATE on a connection whose busy timeout is 0, tried again every RETRY_SECONDS while another
    process writes, for `patience` seconds at most (then the busy error is raised). SQLite's own busy handler waits
    longer and longer between its tries (up to 100 ms), so a writer that had waited a while came back late, and
    short transactions of the other process slipped in between (bench/mixed_load.py --workers 2)."""
    deadline = time.monotonic() + patience
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not _busy(error) or time.monotonic() >= deadline:
                raise
        time.sleep(RETRY_SECONDS)


def _busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _run_batch(connection: sqlite3.Connection, batch: list[_Job], patience: float) -> bool:
    """Run the batch in one transaction; set each job's outcome. False when the connection is unusable."""
    try:
        begin_immediate(connection, patience)
    except BaseException as error:  # busy past the timeout, disk error: every plan of the batch fails
        for job in batch:
            job.outcome = (False, error)
        return True
    try:
        for job in batch:  # released at once: undo pages of nested savepoints pile up, each plan copying more
            connection.execute("SAVEPOINT plan")
            try:
                job.outcome = (True, _drive(connection, job.plan))
            except BaseException as error:
                job.outcome = (False, error)
                connection.execute("ROLLBACK TO plan")
            connection.execute("RELEASE plan")
        connection.execute("COMMIT")
        return True
    except BaseException as error:
        for job in batch:
            if job.outcome[0]:
                job.outcome = (False, error)
        _roll_back(connection)
        return False


def _finish_alone(connection: sqlite3.Connection, job: _Job) -> bool:
    """After BEGIN: run the plan, then COMMIT, or ROLLBACK if it fails. False when the connection is unusable."""
    try:
        job.outcome = (True, _drive(connection, job.plan))
    except BaseException as error:
        job.outcome = (False, error)
        return _roll_back(connection)
    try:
        connection.execute("COMMIT")
        return True
    except BaseException as error:
        job.outcome = (False, error)
        _roll_back(connection)
        return False


def _roll_back(connection: sqlite3.Connection) -> bool:
    """Whether the ROLLBACK worked (if not, the connection's state is unknown)."""
    try:
        connection.execute("ROLLBACK")
        return True
    except sqlite3.Error:
        return False


def _drive(connection: sqlite3.Connection, plan: Plan) -> Any:
    """Each statement the plan yields (`?` placeholders), its rows sent back, until the plan returns or raises."""
    try:
        statement, args = plan.send(None)
        while True:
            rows = connection.execute(statement, args).fetchall()
            statement, args = plan.send(rows)
    except StopIteration as finished:
        return finished.value


def settle(future: asyncio.Future, outcome: tuple[bool, Any]) -> None:
    """Hand a thread's outcome to its caller, on the caller's loop."""
    if future.done():  # the caller went away (cancelled); a write stands, as any committed one
        return
    succeeded, value = outcome
    if succeeded:
        future.set_result(value)
    else:
        future.set_exception(value)
