"""Page through a filtered query: one list of WHERE clauses serves the rows and the count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import Where, WhereRaw
from piccolo.table import Table

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True, slots=True)
class PageResult:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


async def fetch_page(
    table: type[Table],
    columns: Sequence[Column],
    clauses: Sequence[Where | WhereRaw | Any],
    order_by: Sequence[Column],
    request: PageRequest,
    descending: bool = False,
) -> PageResult:
    select = table.select(*columns)
    count = table.count()
    if clauses:
        select = select.where(*clauses)
        count = count.where(*clauses)
    rows = (
        await select.order_by(*order_by, ascending=not descending)
        .limit(request.per_page)
        .offset(request.offset)
        .output(load_json=True)
        .run()
    )
    return PageResult(rows=rows, total=await count.run(), page=request.page, per_page=request.per_page)
