"""Query parameters shared by list routes."""

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import QueryParameter

from inclusion.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE, PageRequest
from inclusion.scoping import Caller

PageNumber = Annotated[int, QueryParameter(ge=1, description="Numéro de page, à partir de 1")]
PerPage = Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE, description="Éléments par page")]
Search = Annotated[str, QueryParameter(max_length=200, description="Recherche libre")]


def page_request(page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> PageRequest:
    return PageRequest(page=page, per_page=per_page)


CurrentCaller = NamedDependency[Caller]
"""The authenticated caller, provided to every handler that declares it."""
