"""/health says whether the service and its database answer; the PostgreSQL pool loses no connection to a
cancelled transaction and never holds the app's stop for long."""

import asyncio
import time

import asyncpg
import pytest
from litestar.testing import AsyncTestClient
from piccolo.engine.postgres import PostgresTransaction

from inclusion.app import create_app
from inclusion.storage import db
from inclusion.storage.tables.sites import Site
from tests.conftest import ON_POSTGRES


async def test_health_is_200_with_the_database_up(client):
    """With the database reachable, /health answers 200 and says so."""
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_health_is_503_when_the_database_is_down(settings, tmp_path):
    """With the database unreachable, the app still starts and /health answers 503."""
    unreachable = (
        "postgresql://postgres@127.0.0.1:1/inclusion" if ON_POSTGRES else f"sqlite:///{tmp_path}/absent/dir/x.db"
    )
    app = create_app(settings.with_changes(database_url=unreachable, database_pool_size=2))
    try:
        async with AsyncTestClient(app=app) as client:
            response = await client.get("/health")
        assert response.status_code == 503
        assert response.json() == {"status": "indisponible", "database": "injoignable"}
    finally:
        create_app(settings)  # point the tables back at the test database


@pytest.mark.postgres_only
async def test_stopping_does_not_wait_forever_for_a_connection_never_given_back(settings, monkeypatch, caplog):
    """A pool connection that was never released (Piccolo's transactions leak one when cancelled mid-COMMIT) delays
    the app's stop by the grace only, then every connection is closed and the stop says so."""
    monkeypatch.setattr(db, "POOL_CLOSE_GRACE_SECONDS", 0.5)
    engine = db.current_engine()
    async with db.running(engine, pool_size=2):
        leaked = await engine.pool.acquire()
        started = time.monotonic()
    assert time.monotonic() - started < 5
    assert engine.pool is None
    with pytest.raises(asyncpg.InterfaceError):  # closed with the pool, not left open
        await leaked.fetchval("SELECT 1")
    assert "Connexions PostgreSQL encore prises après 0.5 s : fermées." in caplog.text


@pytest.mark.postgres_only
async def test_a_transaction_cancelled_during_its_commit_gives_its_connection_back(monkeypatch):
    """A job or request cancelled while its COMMIT runs leaves the pool whole: the next query gets the connection."""
    committing = asyncio.Event()

    async def stalled_commit(self) -> None:
        committing.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(PostgresTransaction, "commit", stalled_commit)
    engine = db.current_engine()
    async with db.running(engine, pool_size=1):

        async def write() -> None:
            async with engine.transaction():
                await Site.count()

        task = asyncio.create_task(write())
        await committing.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.wait_for(Site.count(), 5) == 0
