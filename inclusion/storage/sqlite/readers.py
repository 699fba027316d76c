"""A few threads per SQLite file that run the reads made outside a transaction.

A read used to borrow one of many idle aiosqlite connections, each with a thread of its own: under
load, dozens of threads woke for one statement each and fought over the GIL (about thirty context
switches per authenticated request). Here reads queue for a handful of threads that each own a
connection and take the next read as soon as they finish one, so a busy process keeps few threads
awake. A thread is added when more reads are waiting than threads are idle, up to MAX_READERS: the nine
queries a report sends at once run side by side, and a long report query does not hold up the short
reads behind it.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any

from inclusion.storage.sqlite.writer import open_configured, settle

MAX_READERS = 8
READER_PRAGMAS = ("PRAGMA mmap_size = 268435456", "PRAGMA cache_size = -16384")
"""A reader maps up to 256 MiB of the file instead of copying each page it reads through read(), and keeps
16 MiB of pages in its own cache (2 MiB by default): a report reading a large site's rows spent about half
its time in the kernel copying the same pages again."""


class ReaderPool:
    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._jobs: queue.SimpleQueue[tuple[str, Sequence[Any], asyncio.AbstractEventLoop, asyncio.Future] | None]
        self._jobs = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._idle = 0  # threads waiting for a read
        self._queued = 0  # reads no thread has taken yet

    async def run(self, statement: str, args: Sequence[Any]) -> list[Any]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            self._queued += 1
            if self._queued > self._idle and len(self._threads) < MAX_READERS:
                self._idle += 1  # counted idle until it takes its first read
                thread = threading.Thread(target=self._serve, name="sqlite-reader", daemon=True)
                self._threads.append(thread)
                thread.start()
        self._jobs.put((statement, args, loop, future))
        return await future

    def stop(self) -> None:
        """Let the threads finish the queued reads, close their connections and end."""
        with self._lock:
            threads, self._threads = self._threads, []
        for _ in threads:
            self._jobs.put(None)
        for thread in threads:
            thread.join(timeout=30)
        with self._lock:
            self._idle = self._queued = 0

    def _serve(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while (job := self._jobs.get()) is not None:
                with self._lock:
                    self._idle -= 1
                    self._queued -= 1
                statement, args, loop, future = job
                try:
                    if connection is None:
                        connection = open_configured(self._connect)
                        for pragma in READER_PRAGMAS:
                            connection.execute(pragma)
                    outcome = (True, connection.execute(statement, args).fetchall())
                except BaseException as error:  # reported to the caller, as aiosqlite would
                    outcome = (False, error)
                    if connection is not None and connection.in_transaction:
                        connection.close()
                        connection = None
                loop.call_soon_threadsafe(settle, future, outcome)
                with self._lock:
                    self._idle += 1
        finally:
            if connection is not None:
                connection.close()
