"""The bound database: Piccolo's tables point at one engine; writes go through one transaction helper; errors are
named by kind so callers need not know the engine."""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from piccolo.columns import Column
from piccolo.columns.combination import Where
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

from inclusion.storage.engines import CONNECT_TIMEOUT_SECONDS, redacted
from inclusion.storage.sqlite.engine import ReusingSQLiteEngine, writer_lock

logger = logging.getLogger("inclusion.db")

POOL_CLOSE_GRACE_SECONDS = 5.0


class DatabaseUnreachable(Exception):
    """The database cannot be reached; the message is one French sentence."""


def bind(engine: Engine) -> None:
    """Point every table, and Piccolo's migration machinery, at this engine."""
    from piccolo.apps.migrations.tables import Migration
    from piccolo.table import Table

    from inclusion.storage import piccolo_conf
    from inclusion.storage.piccolo_app import APP_CONFIG

    global _bound
    piccolo_conf.DB = _bound = engine
    for table in [*APP_CONFIG.table_classes, Migration, Table]:
        table._meta.db = engine


def is_bound() -> bool:
    from inclusion.storage import piccolo_conf

    return "DB" in vars(piccolo_conf)


_bound: Engine | None = None


def current_engine() -> Engine:
    if _bound is not None:
        return _bound
    from inclusion.storage import piccolo_conf

    return piccolo_conf.DB


def is_sqlite(engine: Engine | None = None) -> bool:
    return isinstance(engine or current_engine(), SQLiteEngine)


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for writes. On SQLite: queued behind the process's other writers, then IMMEDIATE,
    so it holds the write lock from BEGIN and never fails half-way on an upgrade."""
    engine = current_engine()
    if not isinstance(engine, SQLiteEngine):
        async with engine.transaction():
            yield
    elif engine.current_transaction.get() is not None:  # nested: the outer transaction holds the lock
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with writer_lock(), engine.write_gate(), engine.transaction(transaction_type=TransactionType.immediate):
            yield


async def prepare(engine: Engine) -> None:
    """Per-database setup done once at start: WAL journal for SQLite (it persists in the file)."""
    if isinstance(engine, SQLiteEngine):
        await engine._run_in_new_connection("PRAGMA journal_mode=WAL")


async def ping(engine: Engine | None = None) -> None:
    """Run `SELECT 1`, raising DatabaseUnreachable with a French sentence when it fails."""
    engine = engine or current_engine()
    try:
        await asyncio.wait_for(engine.run_querystring(QueryString("SELECT 1")), CONNECT_TIMEOUT_SECONDS + 1)
    except (TimeoutError, OSError, sqlite3.Error, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise DatabaseUnreachable(_describe(engine, error)) from error


def _describe(engine: Engine, error: BaseException) -> str:
    if isinstance(engine, SQLiteEngine):
        where = engine.connection_kwargs["database"]
    else:
        where = redacted(engine.config["dsn"])
    return f"Base de données injoignable ({where}) : {_reason(error)}."


def _reason(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connexion refusée (le serveur est-il démarré ?)"
    if isinstance(error, socket.gaierror):
        return "nom d'hôte inconnu"
    if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
        return f"pas de réponse en {CONNECT_TIMEOUT_SECONDS} secondes"
    if isinstance(error, asyncpg.InvalidCatalogNameError):
        return "cette base n'existe pas"
    if isinstance(error, asyncpg.InvalidAuthorizationSpecificationError):
        return "authentification refusée"
    if isinstance(error, sqlite3.OperationalError):
        return "fichier impossible à ouvrir"
    return str(error) or type(error).__name__


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Given back to the pool, a connection keeps its session: the app sets no session state (no SET, LISTEN
    or session advisory lock), and asyncpg still rolls back a transaction left open. This spares the
    reset statement, one round trip per query."""


@asynccontextmanager
async def running(engine: Engine, pool_size: int) -> AsyncIterator[Engine]:
    """Open the PostgreSQL pool for the life of the app; SQLite has none."""
    started = False
    if isinstance(engine, PostgresEngine) and pool_size > 0 and engine.pool is None:
        try:
            await engine.start_connection_pool(min_size=1, max_size=pool_size, reset=_keep_session)
            started = True
        except (TimeoutError, OSError, asyncpg.PostgresError):
            started = False  # /health reports the database as unreachable
    try:
        yield engine
    finally:
        await close(engine, pool=started)


async def close(engine: Engine, pool: bool = False) -> None:
    """Release the engine's connections: the PostgreSQL pool, or SQLite's idle connections."""
    if isinstance(engine, ReusingSQLiteEngine):
        await engine.close_idle_connections()
    elif pool and isinstance(engine, PostgresEngine) and engine.pool is not None:
        await _close_pool(engine)


async def _close_pool(engine: PostgresEngine) -> None:
    """Close the pool, waiting at most POOL_CLOSE_GRACE_SECONDS for connections in use. Piccolo does not give a
    transaction's connection back when its task is cancelled during BEGIN, COMMIT or ROLLBACK (a daily job stopped
    at shutdown), and asyncpg's close would then wait for it forever: past the grace, every connection is closed."""
    pool = engine.pool
    try:
        await asyncio.wait_for(pool.close(), POOL_CLOSE_GRACE_SECONDS)
    except TimeoutError:
        logger.warning("Connexions PostgreSQL encore prises après %s s : fermées.", POOL_CLOSE_GRACE_SECONDS)
        pool.terminate()
    engine.pool = None


def contains(column: Column, text: str) -> Where:
    """Case-insensitive substring match (ILIKE on PostgreSQL, LIKE on SQLite, which folds ASCII case)."""
    pattern = "%" + text.replace("%", "").replace("_", "") + "%"
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)


def is_busy_error(error: BaseException) -> bool:
    """SQLite's lock wait ran out (another process kept writing past the busy timeout)."""
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def is_out_of_range_error(error: BaseException) -> bool:
    """A value of the request does not fit the database (a number past SQLite's 64 bits or a PostgreSQL column)."""
    return isinstance(error, (OverflowError, asyncpg.DataError, asyncpg.NumericValueOutOfRangeError))


def is_integrity_error(error: BaseException) -> bool:
    return isinstance(error, (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError))
