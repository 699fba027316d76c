"""Hand-written SQL for the hot paths, on either engine, inside the current transaction if there is one.

Piccolo's query builder costs about 0.5 ms of CPU per statement (more with joins); a request running
ten statements spent most of its time building them. The paths measured in `bench/` (token
authentication, recording an activity) write their SQL here instead, with `{}` placeholders that are
turned into `?` (SQLite) or `$n` (PostgreSQL) once per statement text, and get rows as dicts.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Generator, Sequence
from typing import Any, TypeVar

from piccolo.engine.sqlite import SQLiteEngine

from inclusion.storage import db
from inclusion.storage.sqlite.engine import ReusingSQLiteEngine

T = TypeVar("T")
Plan = Generator[tuple[str, Sequence[Any]], list[dict[str, Any]], T]
"""A write as a generator: it yields `(statement, args)`, receives each statement's rows, returns its result,
and may raise (a domain error, say) to roll everything back."""

_PLACEHOLDER = re.compile(r"\{\}")


@functools.lru_cache(maxsize=512)
def compiled(statement: str, sqlite: bool) -> str:
    if sqlite:
        return statement.replace("{}", "?")
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", statement)


async def fetch(statement: str, *args: Any) -> list[dict[str, Any]]:
    engine = db.current_engine()
    transaction = engine.current_transaction.get()
    if isinstance(engine, SQLiteEngine):
        query = compiled(statement, True)
        if transaction is not None:
            return await engine._run_in_existing_connection(transaction.connection, query, list(args))
        return await engine._run_in_new_connection(query, list(args))
    query = compiled(statement, False)
    if transaction is not None:
        rows = await transaction.connection.fetch(query, *args)
    elif engine.pool is not None:
        rows = await engine._run_in_pool(query, args)
    else:
        rows = await engine._run_in_new_connection(query, args)
    return [dict(row) for row in rows]


async def lookup(statement: str, *args: Any) -> list[dict[str, Any]]:
    """`fetch` for a read an index answers at once (authentication): on SQLite outside a transaction it runs
    on the event loop's thread, which costs less than waking another."""
    engine = db.current_engine()
    if isinstance(engine, ReusingSQLiteEngine) and engine.current_transaction.get() is None:
        return await engine.lookup(compiled(statement, True), list(args))
    return await fetch(statement, *args)


async def transact(plan: Plan[T]) -> T:
    """Run a plan in one write transaction. On SQLite, outside any transaction, the whole plan runs in one
    hop to a connection's thread; elsewhere statement by statement in `db.write_transaction()`."""
    engine = db.current_engine()
    if isinstance(engine, ReusingSQLiteEngine) and engine.current_transaction.get() is None:
        return await engine.run_plan(_with_question_marks(plan))
    async with db.write_transaction():
        try:
            statement, args = plan.send(None)
            while True:
                statement, args = plan.send(await fetch(statement, *args))
        except StopIteration as finished:
            return finished.value


async def transact_here(plan: Plan[T]) -> T:
    """`transact` for a write of a few milliseconds: on SQLite, outside any transaction, run on the event loop's own
    thread when the write lock is free at once, rather than by the writer thread (`PlanWriter.run_here`)."""
    engine = db.current_engine()
    if isinstance(engine, ReusingSQLiteEngine) and engine.current_transaction.get() is None:
        return await engine.run_plan_here(_with_question_marks(plan))
    return await transact(plan)


def _with_question_marks(plan: Plan[T]) -> Plan[T]:
    """The same plan, its statements' `{}` placeholders turned into SQLite's `?`."""
    try:
        statement, args = plan.send(None)
        while True:
            rows = yield compiled(statement, True), args
            statement, args = plan.send(rows)
    except StopIteration as finished:
        return finished.value


def insert_statement(
    table: str, values: dict[str, Any], where: str = "", *where_args: Any, returning: str = "id"
) -> tuple[str, list[Any]]:
    """One row's INSERT, returning its id (or the columns `returning` names); with `where`, a condition (SQL with
    `{}` placeholders for `where_args`) without which nothing is inserted and nothing returned."""
    columns = ", ".join(f'"{name}"' for name in values)
    source = f"SELECT {marks(len(values))} WHERE {where}" if where else f"VALUES ({marks(len(values))})"
    return f'INSERT INTO "{table}" ({columns}) {source} RETURNING {returning}', [*values.values(), *where_args]


def update_statement(
    table: str, values: dict[str, Any], where: str, *where_args: Any, returning: str = "id"
) -> tuple[str, list[Any]]:
    """An UPDATE setting `values` where `where` holds (SQL with `{}` placeholders for `where_args`), returning the
    id (or the columns `returning` names) of each row it changed."""
    assignments = ", ".join(f'"{name}" = {{}}' for name in values)
    statement = f'UPDATE "{table}" SET {assignments} WHERE {where} RETURNING {returning}'
    return statement, [*values.values(), *where_args]


def insert_many_statement(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    names = ", ".join(f'"{name}"' for name in columns)
    tuples = ", ".join(f"({marks(len(columns))})" for _ in rows)
    return f'INSERT INTO "{table}" ({names}) VALUES {tuples}', [value for row in rows for value in row]


def marks(count: int) -> str:
    """`{}, {}, …`: the placeholders of an IN list or a VALUES tuple."""
    return ", ".join(["{}"] * count)
