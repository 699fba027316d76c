"""Query parameters shared by list routes."""

from typing import Annotated, TypeVar

import msgspec
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from inclusion.scoping import Caller
from inclusion.storage.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE, PageRequest, PageResult

MAX_PAGE = 1_000_000  # an OFFSET beyond SQLite's integers failed as a "datatype mismatch" (409)
PageNumber = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1")]
PerPage = Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE, description="Éléments par page")]
P = TypeVar("P")
Search = Annotated[str, QueryParameter(max_length=200, description="Recherche libre")]


def page_response(result: PageResult, page_type: type[P], item_type: type) -> P:
    """A list response: the page's rows as `item_type`, with the paging figures."""
    return page_type(
        items=[msgspec.convert(row, item_type) for row in result.rows],
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        pages=result.pages,
    )


def page_request(page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> PageRequest:
    return PageRequest(page=page, per_page=per_page)


CurrentCaller = NamedDependency[Caller]
"""The authenticated caller, provided to every handler that declares it."""
