"""SQLite engine that keeps its connections open between queries and transactions.

Piccolo's SQLiteEngine opens a connection (and an aiosqlite thread) for every query run outside
a transaction and for every transaction, and spends three thread hops per statement (plus a
PRAGMA inside transactions). This subclass lends idle connections instead, to one query or one
transaction at a time, runs each statement in one hop, and closes the connections when the app
stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import weakref
from collections.abc import AsyncIterator, Generator, Sequence
from typing import Any, TypeVar

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from inclusion.storage.sqlite.readers import ReaderPool
from inclusion.storage.sqlite.writer import CONNECTION_PRAGMAS, PlanWriter, open_configured

MAX_IDLE_CONNECTIONS = 32
T = TypeVar("T")
WRITE_VERBS = ("insert", "update", "delete", "replace", "create", "drop", "alter")
_writer_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def writer_lock() -> asyncio.Lock:
    """One writer at a time per event loop, first come first served.

    SQLite lets one connection write at once; left to its busy handler, waiting writers retry
    at random and some wait past the timeout ("database is locked"). Queueing them here keeps
    latency even; BEGIN IMMEDIATE and the busy timeout still arbitrate between processes.
    """
    loop = asyncio.get_running_loop()
    lock = _writer_locks.get(loop)
    if lock is None:
        lock = _writer_locks[loop] = asyncio.Lock()
    return lock


async def _configure(connection: aiosqlite.Connection) -> None:
    for pragma in CONNECTION_PRAGMAS:
        await connection.execute(pragma)


def is_write(query: str) -> bool:
    return query.lstrip()[:8].lower().startswith(WRITE_VERBS)


class ReusingSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        self._idle: list[aiosqlite.Connection] = []
        self._idle_lock = threading.Lock()  # the test client runs the app in another thread
        super().__init__(path=path, **connection_kwargs)
        self._plan_writer = PlanWriter(self._connect_plain)
        self._readers = ReaderPool(self._connect_plain)
        self._inline = threading.local()
        self._inline_connections: list[sqlite3.Connection] = []

    def _connect_plain(self) -> sqlite3.Connection:
        """A connection any thread may use, one at a time (the plan writer's own is used by the thread holding its
        gate)."""
        kwargs = dict(self.connection_kwargs, check_same_thread=False)
        return sqlite3.connect(kwargs.pop("database"), **kwargs)

    async def _borrow(self) -> aiosqlite.Connection:
        with self._idle_lock:
            if self._idle:
                return self._idle.pop()
        kwargs = dict(self.connection_kwargs)
        database = kwargs.pop("database")
        connection = aiosqlite.Connection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
        connection._thread.daemon = True  # an idle connection never holds the process open at exit
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await _configure(connection)
        return connection

    async def get_connection(self) -> aiosqlite.Connection:
        """A configured connection of the engine's own (Piccolo's API; transactions borrow instead)."""
        connection = await super().get_connection()
        await _configure(connection)
        return connection

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> SQLiteTransaction:
        return _LendingTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def _run_in_existing_connection(
        self, connection, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ):
        """A statement inside a transaction: one thread hop (the connection is configured already)."""
        return await connection.execute_fetchall(query, args or [])

    async def _give_back(self, connection: aiosqlite.Connection) -> None:
        with self._idle_lock:
            if len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(connection)
                return
        await connection.close()

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ):
        if is_write(query):  # one statement, its own savepoint in the plan writer's next transaction
            return await self._plan_writer.run(_single(query, args or []))
        return await self._readers.run(query, args or [])

    async def lookup(self, query: str, args: Sequence[Any]) -> list[Any]:
        """A read that an index answers in microseconds, run on the calling thread: no hop, no wake-up.
        WAL readers never wait for the writer; should the file be busy all the same (recovery after a
        crash), the read goes to the reader threads rather than hold up the event loop."""
        connection = getattr(self._inline, "connection", None)
        if connection is None:
            connection = self._inline.connection = open_configured(self._connect_inline)
            with self._idle_lock:
                self._inline_connections.append(connection)
        try:
            return connection.execute(query, args).fetchall()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
        return await self._readers.run(query, args)

    def _connect_inline(self) -> sqlite3.Connection:
        kwargs = dict(self.connection_kwargs, timeout=0, check_same_thread=False)  # closed from any thread
        return sqlite3.connect(kwargs.pop("database"), **kwargs)

    @contextlib.asynccontextmanager
    async def write_gate(self) -> AsyncIterator[None]:
        """Hold the plan writer off for a transaction run from the event loop (`db.write_transaction`)."""
        gate = self._plan_writer.gate
        if not gate.acquire(blocking=False):
            waiting = asyncio.ensure_future(asyncio.to_thread(gate.acquire))
            try:
                await asyncio.shield(waiting)
            except asyncio.CancelledError:
                waiting.add_done_callback(lambda _: gate.release())
                raise
        try:
            yield
        finally:
            gate.release()

    async def run_plan(self, plan: Generator[tuple[str, Sequence[Any]], list[Any], T]) -> T:
        """Run a statement plan (see `inclusion.storage.sql.transact`) in the engine's plan writer: one IMMEDIATE
        transaction shared with the plans queued beside it, each in its own savepoint."""
        return await self._plan_writer.run(plan)

    async def run_plan_here(self, plan: Generator[tuple[str, Sequence[Any]], list[Any], T]) -> T:
        """A short plan on the event loop's own thread when the write lock is free at once (`PlanWriter.run_here`),
        otherwise in the plan writer."""
        return await self._plan_writer.run_here(plan)

    async def close_idle_connections(self) -> None:
        await asyncio.to_thread(self._plan_writer.stop)
        await asyncio.to_thread(self._readers.stop)
        with self._idle_lock:
            idle, self._idle = self._idle, []
            inline, self._inline_connections = self._inline_connections, []
            self._inline = threading.local()
        for connection in idle:
            await connection.close()
        for plain in inline:
            plain.close()


def _single(query: str, args: Sequence[Any]) -> Generator[tuple[str, Sequence[Any]], list[Any], list[Any]]:
    return (yield query, args)


class _LendingTransaction(SQLiteTransaction):
    """A transaction on a borrowed idle connection, given back (not closed) once it has ended cleanly."""

    engine: ReusingSQLiteEngine

    async def get_connection(self) -> aiosqlite.Connection:
        return await self.engine._borrow()

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()
        except BaseException:
            await self.connection.close()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception is not None:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException:
            await self.connection.close()  # in an unknown state: never lend it again
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
        if self.connection.in_transaction:
            await self.connection.close()
        else:
            await self.engine._give_back(self.connection)
        return exception is None
