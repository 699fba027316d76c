"""Test harness: one real database per run (SQLite file, or PostgreSQL from INCLUSION_TEST_DATABASE_URL),
migrated once, emptied before every test."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator

import pytest
from litestar.testing import AsyncTestClient

from inclusion.accounts import token_cache
from inclusion.accounts.passwords import hash_password_sync
from inclusion.app import create_app
from inclusion.settings import Settings
from inclusion.storage import db, engines
from tests.support import database

TEST_DATABASE_URL = os.environ.get("INCLUSION_TEST_DATABASE_URL", "").strip()
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgresql://", "postgres://"))
POSTGRES_HINT = (
    "PostgreSQL non configuré : lancez la suite avec "
    "INCLUSION_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/inclusion_test pour ces tests."
)
TEST_SECRET = "test-secret-key-with-enough-entropy-0123456789"


def pytest_report_header(config: pytest.Config) -> str:
    return f"inclusion database: {'PostgreSQL ' + TEST_DATABASE_URL if ON_POSTGRES else 'SQLite (temporary file)'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("postgres_only") and not ON_POSTGRES:
            item.add_marker(pytest.mark.skip(reason=POSTGRES_HINT))
        if item.get_closest_marker("sqlite_only") and ON_POSTGRES:
            item.add_marker(pytest.mark.skip(reason="propre à SQLite : couvert par la passe SQLite de la suite"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated test database; an unreachable one fails the run."""
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('database') / 'inclusion-test.db'}"
    asyncio.run(database.reset_and_migrate(url, TEST_SECRET))
    yield url
    asyncio.run(db.close(db.current_engine()))


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password_sync(database.TEST_PASSWORD)


def test_settings(database_url: str, data_dir) -> Settings:
    return Settings(
        env="development",
        database_url=database_url,
        secret_key=TEST_SECRET,
        data_dir=data_dir,
        database_pool_size=4,  # each test client's app pools on its own loop; the test's code connects per query
        daily_jobs=False,  # tests run the retention purge themselves
    )


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:
    return test_settings(database_url, tmp_path)


@pytest.fixture(scope="session")
def shared_app(database_url: str, tmp_path_factory: pytest.TempPathFactory):
    """One app for the run: building one (every route's signature model) costs 0.2 to 0.4 s."""
    return create_app(test_settings(database_url, tmp_path_factory.mktemp("data")))


@pytest.fixture
async def app(request: pytest.FixtureRequest, settings: Settings, shared_app):
    """The app, on emptied tables; a test marked `own_app` (it registers routes) gets one of its own."""
    application = create_app(settings) if request.node.get_closest_marker("own_app") else shared_app
    db.bind(engines.create_engine(application.state.settings))  # a test may have built an app on another database
    await database.empty_tables()
    token_cache.forget_all()  # emptied tables: no token held by the shared app stands for anything
    return application


@pytest.fixture
async def client(app):
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        test_client.follow_redirects = False  # tests look at each redirect themselves
        yield test_client


@pytest.fixture
async def open_client(app, settings):
    """A client on an app whose K is 0: nothing hidden, so every figure can be compared."""
    async with AsyncTestClient(app=create_app(settings.with_changes(small_cell_k=0))) as test_client:
        yield test_client


@pytest.fixture
def make(password_hash: str) -> database.Factory:
    return database.Factory(password_hash)


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the kind under test, dropped afterwards."""
    with fresh_database(tmp_path) as url:
        yield url


@contextlib.contextmanager
def fresh_database(directory) -> Iterator[str]:
    """A new empty database: a SQLite file in `directory`, or a PostgreSQL database beside the test one."""
    if not ON_POSTGRES:
        yield f"sqlite:///{directory / 'fresh.db'}"
        return
    url, drop = asyncio.run(database.create_postgres_database(TEST_DATABASE_URL))
    try:
        yield url
    finally:
        asyncio.run(drop())
