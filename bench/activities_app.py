"""The real app plus one public route, `POST /bench/floor`: one plain INSERT through the driver, for
`bench/activities_write.py` (`uvicorn bench.activities_app:app --factory`, run from the project root).

It also registers `POST /bench/no-write`: the real route's framework work without its database work
(Bearer token authentication, the same JSON body decoded and validated into ActivityCreate, the
struct sent back), which bounds from above what any implementation of the real route can reach.

The floor uses the app's own engine, so it pays what every handler pays to reach the database, and
nothing else: no token lookup (no Authorization header, so the middleware does no query), no ORM, no
validation. SQLite: the engine's connection reuse and its one-writer-per-process queue, as the real
writes; PostgreSQL: a connection of the app's pool, as the real writes.
"""

from litestar import Litestar, Request, post
from litestar.params import JSONBody
from piccolo.engine.postgres import PostgresEngine

from inclusion.activities.schemas import ActivityCreate
from inclusion.app import create_app
from inclusion.db import current_engine, is_sqlite
from inclusion.settings import Settings
from inclusion.web.params import CurrentCaller


async def create_floor_table() -> None:
    engine = current_engine()
    key = "id integer primary key" if is_sqlite(engine) else "id serial primary key"
    await engine._run_in_new_connection(f"CREATE TABLE IF NOT EXISTS bench_floor ({key}, payload text)")


@post("/bench/floor", opt={"public": True}, include_in_schema=False, status_code=201)
async def floor_handler(request: Request) -> dict[str, bool]:
    payload = (await request.body()).decode()
    engine = current_engine()
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine._run_in_pool("INSERT INTO bench_floor (payload) VALUES ($1)", [payload])
    elif is_sqlite(engine):
        await engine._run_in_new_connection("INSERT INTO bench_floor (payload) VALUES (?)", [payload])
    else:  # PostgreSQL without a pool (INCLUSION_DATABASE_POOL_SIZE=0): one connection per query, as the app
        await engine._run_in_new_connection("INSERT INTO bench_floor (payload) VALUES ($1)", [payload])
    return {"ok": True}


@post("/bench/no-write", include_in_schema=False, status_code=201)
async def no_write_handler(caller: CurrentCaller, data: JSONBody[ActivityCreate]) -> ActivityCreate:
    return data


def app() -> Litestar:
    application = create_app(Settings.from_env())
    application.register(floor_handler)
    application.register(no_write_handler)
    application.on_startup.append(create_floor_table)
    return application
