"""Database engines: one URL picks SQLite or PostgreSQL, and each process makes its engine once."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

from inclusion.settings import Settings, database_kind, private_dir, private_file
from inclusion.storage.sqlite.engine import ReusingSQLiteEngine

CONNECT_TIMEOUT_SECONDS = 5
# Each PostgreSQL session of the app: random_page_cost as for SSD storage, so a one-site report reads its rows
# through the (site, date) indexes instead of scanning every participation (largest site: present participants
# 945 → 139 ms, people 2.6 → 0.5 s); no JIT, whose compilation of the report's wide aggregates cost more than it
# saved (largest site's divide: 463 ms with it, 211 ms without).
POSTGRES_SESSION = {"random_page_cost": "1.1", "jit": "off"}


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
            private_dir(path.parent)
        if path.parent.is_dir():  # the database and its -wal and -shm: their owner's only (0600)
            for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
                if name == path.name or (path.parent / name).exists():
                    private_file(path.parent / name)
        return ReusingSQLiteEngine(path=str(path), timeout=settings.sqlite_busy_timeout_seconds)
    config = {"dsn": settings.database_url, "timeout": CONNECT_TIMEOUT_SECONDS, "server_settings": POSTGRES_SESSION}
    return _PostgresEngine(config=config)
