"""Copying the SQLite write-ahead log back into the database file, on a thread of its own.

By default SQLite checkpoints inside the COMMIT that takes the log past 1,000 pages: the writer then
copies the log into the file and syncs both before it answers, while every write queued behind it
waits. The plan writer turns that off for its own connection and nudges this thread after each
commit; the thread waits a moment for more commits, then runs a PASSIVE checkpoint, which never
blocks readers or the writer. Once every frame has been copied, the next write starts the log from
its beginning again, so the file stays about as large as one second of writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

DELAY_SECONDS = 0.5
WRITER_PRAGMA = "PRAGMA wal_autocheckpoint = 0"


class Checkpointer:
    """Owns one connection and one daemon thread, both opened on the first nudge (again after a stop)."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], delay: float = DELAY_SECONDS) -> None:
        self._connect = connect
        self._delay = delay
        self._wanted = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.completed = 0
        """Checkpoints run so far (for tests and benchmarks)."""

    def nudge(self) -> None:
        """Something was committed: checkpoint soon."""
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._stopped = threading.Event()
                    self._thread = threading.Thread(
                        target=self._serve, args=(self._stopped,), name="sqlite-checkpoint", daemon=True
                    )
                    self._thread.start()
        self._wanted.set()

    def stop(self) -> None:
        """Run a last checkpoint if one is due, then end the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stopped.set()
        self._wanted.set()
        if thread is not None:
            thread.join(timeout=30)

    def _serve(self, stopped: threading.Event) -> None:
        connection = self._connect()
        try:
            while True:
                self._wanted.wait()
                stopped.wait(self._delay)  # let a burst of commits end first
                self._wanted.clear()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.completed += 1
                except sqlite3.Error:
                    pass  # busy or closing: the next nudge tries again
                if stopped.is_set():
                    return
        finally:
            connection.close()
