"""Bulk loading for `outcomes_data.py`: binary COPY in chunks while the rows are generated, secondary indexes
dropped before and rebuilt after, sequences moved past the loaded ids, then VACUUM ANALYZE.

Each table being loaded has its own connection; the generator appends rows to a `Sink` and, once a chunk is full,
`flush` starts its COPY as a task and returns at once, so PostgreSQL ingests one chunk while Python builds the next.
At most one chunk per table is in flight: memory stays at about two chunks per table whatever the scale.
"""

from __future__ import annotations

import asyncio
import time

import asyncpg

CHUNK_ROWS = 20_000
SESSION = ("SET session_replication_role = replica", "SET synchronous_commit = off")  # no FK/trigger checks
INDEX_MEMORY = "SET maintenance_work_mem = '512MB'"  # fewer sort runs for the ≈ 25M-row indexes at 1.0

_SECONDARY = """
SELECT c.relname AS name, t.relname AS table, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = 'public' AND t.relname = ANY($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY t.relname, c.relname
"""


def _same(value):
    return value


async def connect(url: str) -> asyncpg.Connection:
    """A loading connection: no FK checks, no commit waits, timestamptz given as (µs since 2000-01-01 UTC,)."""
    connection = await asyncpg.connect(url)
    for statement in SESSION:
        await connection.execute(statement)
    await connection.set_type_codec("timestamptz", schema="pg_catalog", encoder=_same, decoder=_same, format="tuple")
    return connection


class Sink:
    """Rows for one table; `rows` is appended to directly, `flush` copies them when a chunk is full."""

    def __init__(self, connection: asyncpg.Connection, table: str, columns: tuple[str, ...]) -> None:
        self.connection, self.table, self.columns = connection, table, columns
        self.rows: list[tuple] = []
        self.count = 0
        self._pending: asyncio.Task | None = None

    async def flush(self, force: bool = False) -> None:
        if not self.rows or (len(self.rows) < CHUNK_ROWS and not force):
            return
        if self._pending is not None:
            await self._pending  # also raises a failed COPY here
        rows = self.rows.copy()  # the same list object stays in use: generators hold it while they append
        self.rows.clear()
        self.count += len(rows)
        self._pending = asyncio.ensure_future(
            self.connection.copy_records_to_table(self.table, records=rows, columns=self.columns)
        )
        await asyncio.sleep(0)  # let the COPY start sending

    async def close(self) -> int:
        await self.flush(force=True)
        if self._pending is not None:
            await self._pending
        await self.connection.close()
        return self.count


class Sinks:
    """The sinks of one phase, opened together and closed together."""

    def __init__(self, sinks: dict[str, Sink]) -> None:
        self.by_table = sinks

    @classmethod
    async def open(cls, url: str, tables: dict[str, tuple[str, ...]]) -> Sinks:
        connections = await asyncio.gather(*(connect(url) for _ in tables))
        return cls({t: Sink(c, t, cols) for (t, cols), c in zip(tables.items(), connections, strict=True)})

    def __getitem__(self, table: str) -> list[tuple]:
        return self.by_table[table].rows

    async def tick(self) -> None:
        for sink in self.by_table.values():
            if len(sink.rows) >= CHUNK_ROWS:
                await sink.flush()

    def pending_rows(self) -> int:
        return sum(sink.count + len(sink.rows) for sink in self.by_table.values())

    async def close(self) -> dict[str, int]:
        return {table: await sink.close() for table, sink in self.by_table.items()}


async def copy_all(connection: asyncpg.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> int:
    """A small table in one COPY, on an already configured connection."""
    await connection.copy_records_to_table(table, records=rows, columns=columns)
    return len(rows)


async def drop_secondary_indexes(connection: asyncpg.Connection, tables: list[str]) -> list[tuple[str, str, str]]:
    """Drop the indexes of these tables that back no constraint; return (name, table, definition) to rebuild."""
    indexes = [(r["name"], r["table"], r["definition"]) for r in await connection.fetch(_SECONDARY, tables)]
    for name, _, _ in indexes:
        await connection.execute(f'DROP INDEX "{name}"')
    return indexes


async def rebuild_indexes(url: str, indexes: list[tuple[str, str, str]], sizes: dict[str, int], workers: int = 2):
    """Recreate the indexes, biggest tables first, on `workers` connections; return {name: seconds}."""
    queue = sorted(indexes, key=lambda index: -sizes.get(index[1], 0))
    seconds: dict[str, float] = {}

    async def worker() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(INDEX_MEMORY)
            while queue:
                name, _, definition = queue.pop(0)
                began = time.perf_counter()
                await connection.execute(definition)
                seconds[name] = time.perf_counter() - began
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(workers)))
    return seconds


async def move_sequences(connection: asyncpg.Connection, tables: list[str]) -> None:
    """Each table's id sequence continues after its largest id (or restarts at 1 when it is empty)."""
    for table in tables:
        await connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


async def vacuum_analyze(url: str, tables: list[str], sizes: dict[str, int], workers: int = 2) -> None:
    """VACUUM (sets hint bits and the visibility map, so index-only scans work at once) and ANALYZE."""
    queue = sorted(tables, key=lambda table: -sizes.get(table, 0))

    async def worker() -> None:
        connection = await asyncpg.connect(url)
        try:
            while queue:
                await connection.execute(f'VACUUM (ANALYZE) "{queue.pop(0)}"')
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(workers)))
