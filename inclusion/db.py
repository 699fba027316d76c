"""Database engines: one URL picks SQLite or PostgreSQL; writes go through one transaction helper."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from piccolo.columns import Column
from piccolo.columns.combination import Where
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

from inclusion.settings import Settings, database_kind
from inclusion.sqlite_engine import ReusingSQLiteEngine, writer_lock

logger = logging.getLogger("inclusion.db")

CONNECT_TIMEOUT_SECONDS = 5
POOL_CLOSE_GRACE_SECONDS = 5.0
# Each PostgreSQL session of the app: random_page_cost as for SSD storage, so a one-site report reads its rows
# through the (site, date) indexes instead of scanning every participation (largest site: present participants
# 945 → 139 ms, people 2.6 → 0.5 s); no JIT, whose compilation of the report's wide aggregates cost more than it
# saved (largest site's divide: 463 ms with it, 211 ms without).
POSTGRES_SESSION = {"random_page_cost": "1.1", "jit": "off"}


class DatabaseUnreachable(Exception):
    """The database cannot be reached; the message is one French sentence."""


class _PostgresEngine(PostgresEngine):
    """PostgresEngine that does not connect while it is being built, and keeps one pool per event loop: an app
    opens its pool on the loop that serves it, and code on any other loop (a test's own, a one-off command's)
    opens a connection per query instead of borrowing connections bound to another loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pools: dict[asyncio.AbstractEventLoop, asyncpg.Pool] = {}
        super().__init__(*args, **kwargs)

    @property
    def pool(self) -> asyncpg.Pool | None:
        loop = _running_loop()
        return None if loop is None else self._pools.get(loop)

    @pool.setter
    def pool(self, pool: asyncpg.Pool | None) -> None:
        loop = _running_loop()
        if pool is not None and loop is not None:
            self._pools[loop] = pool
        elif loop is not None:
            self._pools.pop(loop, None)

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return _ReleasingTransaction(engine=self, allow_nested=allow_nested)

    async def check_version(self) -> None:
        return None

    async def prep_database(self) -> None:
        return None


class _ReleasingTransaction(PostgresTransaction):
    """Piccolo's transaction, whose connection goes back to the pool even when its task is cancelled during BEGIN,
    COMMIT or ROLLBACK: Piccolo's own skips the release then, and the pool is one connection short for good."""

    async def __aenter__(self) -> PostgresTransaction:
        try:
            return await super().__aenter__()
        except BaseException:
            with contextlib.suppress(Exception):  # the error to report is the one raised
                await self._give_back()
            raise

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        try:
            return await super().__aexit__(exception_type, exception, traceback)
        except BaseException:
            if self._parent is None:
                with contextlib.suppress(Exception):  # given back already if the failure came after
                    await self._give_back()
                with contextlib.suppress(ValueError):
                    self.engine.current_transaction.reset(self.context)
            raise

    async def _give_back(self) -> None:
        connection, self.connection = getattr(self, "connection", None), None
        if connection is None or self._parent is not None:
            return
        if self.engine.pool is None:
            connection.terminate()
        else:
            await self.engine.pool.release(connection)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def sqlite_path(url: str) -> Path:
    """`sqlite:///relative.db` and `sqlite:////absolute.db`, as SQLAlchemy spells them."""
    return Path(url[len("sqlite:///") :])


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


_engines: dict[tuple[str, float], Engine] = {}


def create_engine(settings: Settings) -> Engine:
    """The engine for the configured URL, made once per process and shared by every app built here."""
    key = (settings.database_url, settings.sqlite_busy_timeout_seconds)
    if key not in _engines:
        _engines[key] = _new_engine(settings)
    return _engines[key]


def _new_engine(settings: Settings) -> Engine:
    if database_kind(settings.database_url) == "sqlite":
        path = sqlite_path(settings.database_url)
        if path.parent.resolve() == settings.data_dir.resolve():
            path.parent.mkdir(parents=True, exist_ok=True)
        return ReusingSQLiteEngine(path=str(path), timeout=settings.sqlite_busy_timeout_seconds)
    config = {"dsn": settings.database_url, "timeout": CONNECT_TIMEOUT_SECONDS, "server_settings": POSTGRES_SESSION}
    return _PostgresEngine(config=config)


def bind(engine: Engine) -> None:
    """Point every table, and Piccolo's migration machinery, at this engine."""
    from piccolo.apps.migrations.tables import Migration
    from piccolo.table import Table

    from inclusion import piccolo_conf
    from inclusion.piccolo_app import APP_CONFIG

    global _bound
    piccolo_conf.DB = _bound = engine
    for table in [*APP_CONFIG.table_classes, Migration, Table]:
        table._meta.db = engine


def is_bound() -> bool:
    from inclusion import piccolo_conf

    return "DB" in vars(piccolo_conf)


_bound: Engine | None = None


def current_engine() -> Engine:
    if _bound is not None:
        return _bound
    from inclusion import piccolo_conf

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
