"""The real app plus routes for `bench/activities_write.py` (`uvicorn bench.activities_app:app --factory`,
run from the project root):

- `POST /bench/floor`: the issue's floor, one plain INSERT through the raw driver. SQLite: one aiosqlite
  connection per process (autocommit, WAL, `synchronous=NORMAL` and the busy timeout of the app's own
  connections), shared by the concurrent requests, as a plain handler would; PostgreSQL: the asyncpg pool of
  the app's engine. No token (no Authorization header, so the middleware does no query), no ORM, no
  validation.
- `POST /bench/floor-plan-writer` (SQLite only, for information): the same INSERT through the app's own
  SQLite write path, the plan writer thread with group commit (inclusion/sqlite_writer.py).
- `POST /bench/no-write`: the real route's framework work without its database work (Bearer token
  authentication, the same JSON body decoded and validated into ActivityCreate, the struct sent back),
  which bounds from above what any implementation of the real route can reach.
"""

import aiosqlite
from litestar import Litestar, Request, post
from litestar.params import JSONBody
from piccolo.engine.postgres import PostgresEngine

from inclusion.activities.schemas import ActivityCreate
from inclusion.app import create_app
from inclusion.settings import Settings
from inclusion.storage.db import current_engine, is_sqlite
from inclusion.web.params import CurrentCaller

_floor_connections: dict[str, aiosqlite.Connection] = {}


async def create_floor_table() -> None:
    engine = current_engine()
    key = "id integer primary key" if is_sqlite(engine) else "id serial primary key"
    await engine._run_in_new_connection(f"CREATE TABLE IF NOT EXISTS bench_floor ({key}, payload text)")
    if is_sqlite(engine):
        connection = await aiosqlite.connect(engine.path, isolation_level=None, timeout=10.0)
        await connection.execute("PRAGMA synchronous = NORMAL")
        _floor_connections["sqlite"] = connection


async def close_floor_connection() -> None:
    if connection := _floor_connections.pop("sqlite", None):
        await connection.close()


@post("/bench/floor", opt={"public": True}, include_in_schema=False, status_code=201)
async def floor_handler(request: Request) -> dict[str, bool]:
    payload = (await request.body()).decode()
    engine = current_engine()
    if is_sqlite(engine):
        await _floor_connections["sqlite"].execute("INSERT INTO bench_floor (payload) VALUES (?)", [payload])
    elif isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine._run_in_pool("INSERT INTO bench_floor (payload) VALUES ($1)", [payload])
    else:  # PostgreSQL without a pool (INCLUSION_DATABASE_POOL_SIZE=0): one connection per query, as the app
        await engine._run_in_new_connection("INSERT INTO bench_floor (payload) VALUES ($1)", [payload])
    return {"ok": True}


@post("/bench/floor-plan-writer", opt={"public": True}, include_in_schema=False, status_code=201)
async def floor_plan_writer_handler(request: Request) -> dict[str, bool]:
    payload = (await request.body()).decode()
    await current_engine()._run_in_new_connection("INSERT INTO bench_floor (payload) VALUES (?)", [payload])
    return {"ok": True}


@post("/bench/no-write", include_in_schema=False, status_code=201)
async def no_write_handler(caller: CurrentCaller, data: JSONBody[ActivityCreate]) -> ActivityCreate:
    return data


def app() -> Litestar:
    application = create_app(Settings.from_env())
    application.register(floor_handler)
    application.register(no_write_handler)
    application.register(floor_plan_writer_handler)
    application.on_startup.append(create_floor_table)
    application.on_shutdown.insert(0, close_floor_connection)
    return application
