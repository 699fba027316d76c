"""Copying the SQLite write-ahead log back into the database file, on a thread of its own.

By default SQLite checkpoints inside the COMMIT that takes the log past 1,000 pages: the writer then
copies the log into the file and syncs both before it answers, while every write queued behind it
waits. The plan writer turns that off for its own connection and nudges this thread after each
commit; the thread waits a moment for more commits, then runs a PASSIVE checkpoint, which never
blocks readers or the writer. Once every frame has been copied, the next write starts the log from
its beginning again.

Under sustained writes that never happens: by the time a PASSIVE checkpoint has copied the log, new
commits have added frames, so the log only grows (780 MB after 12 s of workshops recorded at 1,900 a
second, for a 15 MB database: bench/activities_write.py), and every read searches a longer log index.
So once the log passes MAX_LOG_FRAMES the thread holds the plan writer off (its gate) and runs a RESTART
checkpoint: every frame copied, readers of the log waited for, and the next write starts it afresh
(and cuts the file back to the limit). It waits for the readers a short while only (RESTART_PATIENCE_SECONDS,
then longer at each try that could not finish), since every write of the process waits meanwhile.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

DELAY_SECONDS = 0.5
MAX_LOG_FRAMES = 4_000
"""Pages in the log (16 MB at SQLite's 4 KB page) past which a checkpoint restarts it."""
RESTART_PATIENCE_SECONDS = 0.05
"""How long a RESTART checkpoint first waits for the readers of the log (and another process's writer), the plan
writer held off meanwhile; twice as long after each one that could not finish, up to the busy timeout. Waiting up
to the busy timeout at once held this process's writes for as long as a report's reads lasted."""
WRITER_PRAGMAS = ("PRAGMA wal_autocheckpoint = 0", f"PRAGMA journal_size_limit = {MAX_LOG_FRAMES * 4096}")
"""The plan writer's connection: no checkpoint in its commits; when a write restarts the log, the file is cut
back to the limit, so a burst does not leave a large file behind."""


class Checkpointer:
    """Owns one connection and one daemon thread, both opened on the first nudge (again after a stop)."""

    def __init__(
        self, connect: Callable[[], sqlite3.Connection], gate: threading.Lock, delay: float = DELAY_SECONDS
    ) -> None:
        self._connect = connect
        self._gate = gate
        self._delay = delay
        self._wanted = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.wants_gate = threading.Event()
        """Set while a RESTART waits for the gate: plans then leave it to the thread (`PlanWriter.run_here`), since
        the event loop, taking it back the moment it let it go, would keep the checkpoint waiting as long as writes
        kept coming."""

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
        longest = connection.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
        patience = RESTART_PATIENCE_SECONDS
        try:
            while True:
                self._wanted.wait()
                stopped.wait(self._delay)  # let a burst of commits end first
                self._wanted.clear()
                try:
                    _, frames, _ = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if frames > MAX_LOG_FRAMES:
                        connection.execute(f"PRAGMA busy_timeout = {round(patience * 1000)}")
                        self.wants_gate.set()
                        try:
                            with self._gate:
                                busy, _, _ = connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
                        finally:
                            self.wants_gate.clear()
                        patience = min(patience * 2, longest) if busy else RESTART_PATIENCE_SECONDS
                except sqlite3.Error:
                    pass  # busy or closing: the next nudge tries again
                if stopped.is_set():
                    return
        finally:
            connection.close()
