"""SQLite engine that keeps its connections open between queries.

Piccolo's SQLiteEngine opens a connection (and an aiosqlite thread) for every query run outside
a transaction. This subclass lends idle connections instead, each to one query at a time, and
closes them when the app stops. Transactions still get a connection of their own.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import weakref
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory

MAX_IDLE_CONNECTIONS = 8
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
    """Foreign keys on; in WAL mode, sync at checkpoints rather than at every commit (a crashed process
    loses nothing; only a power cut can lose the last commits, never corrupt the file)."""
    await connection.execute("PRAGMA foreign_keys = 1")
    await connection.execute("PRAGMA synchronous = NORMAL")


def is_write(query: str) -> bool:
    return query.lstrip()[:8].lower().startswith(WRITE_VERBS)


class ReusingSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        self._idle: list[aiosqlite.Connection] = []
        self._idle_lock = threading.Lock()  # the test client runs the app in another thread
        super().__init__(path=path, **connection_kwargs)

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
        """The connection a transaction writes through, configured like the others."""
        connection = await super().get_connection()
        await _configure(connection)
        return connection

    async def _give_back(self, connection: aiosqlite.Connection) -> None:
        with self._idle_lock:
            if len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(connection)
                return
        await connection.close()

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ):
        if is_write(query):
            async with writer_lock():
                return await self._run(query, args)
        return await self._run(query, args)

    async def _run(self, query: str, args: list[Any] | None) -> list[Any]:
        connection = await self._borrow()
        try:
            async with connection.execute(query, args or []) as cursor:
                rows = await cursor.fetchall()
            if connection.in_transaction:  # autocommit (isolation_level=None) leaves none open
                await connection.commit()
        except BaseException:
            await connection.close()
            raise
        await self._give_back(connection)
        return rows

    async def close_idle_connections(self) -> None:
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()
