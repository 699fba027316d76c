"""Jinja pages: one helper gives every page the caller, the CSRF token and French formats."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape
from typing import Any

from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig
from markupsafe import Markup, escape

from inclusion import clock
from inclusion.scoping import ROLE_LABELS
from inclusion.settings import TEMPLATES_DIR
from inclusion.sites.schemas import KIND_LABELS
from inclusion.vocabulary import AGE_BAND_LABELS, VOUCHER_STATUS_LABELS, accord


def date_fr(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return "—"
    local = value.astimezone(clock.zone())
    return local.strftime("%d/%m/%Y à %H:%M" if with_time else "%d/%m/%Y")


def plain_fr(value: Any) -> str:
    """A stored value as a French reader reads it: dates as dd/mm/yyyy, yes or no, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return date_fr(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


_HEAD = re.compile(r"<thead\b.*?</thead>", re.S)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S)
_HEADING = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>")
_TAG = re.compile(r"<[^>]*>")
_SPAN = re.compile(r'colspan="(\d+)"')


def _columns(head: str) -> list[str]:
    """The text of each column's heading, in the last row of the table's head (a cell spanning n columns counts n)."""
    columns: list[str] = []
    for attributes, content in _HEADING.findall(_ROW.findall(head)[-1]):
        span = _SPAN.search(attributes)
        columns += [" ".join(unescape(_TAG.sub(" ", content)).split())] * int(span.group(1) if span else 1)
    return columns


def _label_cells(row: str, columns: list[str]) -> str:
    column, parts, last = 0, [], 0
    for cell in _CELL.finditer(row):
        kind, attributes = cell.groups()
        label = columns[column] if column < len(columns) else ""
        parts.append(row[last : cell.end(2)])
        if kind == "td" and label and "data-label=" not in attributes:
            parts.append(f' data-label="{escape(label)}"')
        last = cell.end(2)
        span = _SPAN.search(attributes)
        column += int(span.group(1)) if span else 1
    return "".join(parts) + row[last:]


def cards(html: str, columns_from: int = 1) -> Markup:
    """A table that reads as one card per row on a phone (the `card-table` style): each body cell gets its
    column's heading as `data-label`, shown before the value. Written once, in the table's head, so a new column
    is labelled with no more work. `{% filter cards %}<table>…</table>{% endfilter %}`; `cards(3)` leaves a
    table of fewer than 3 columns as it is (it fits a phone as a table)."""
    html = str(html)
    head = _HEAD.search(html)
    if not head:
        return Markup(html)
    columns = _columns(head.group(0))
    if len(columns) < columns_from:
        return Markup(html)
    body = _ROW.sub(lambda row: _label_cells(row.group(0), columns), html[head.end() :])
    start = html[: head.start()]
    if 'class="' in start[: start.find(">")]:
        start = start.replace('class="', 'class="card-table ', 1)
    else:
        start = start.replace("<table", '<table class="card-table"', 1)
    return Markup(start + head.group(0) + body)


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.filters["date_fr"] = date_fr
    env.filters["weekday"] = clock.weekday_name  # mardi
    env.filters["short_day"] = clock.short_day  # mar. 10 déc.
    env.filters["long_day"] = clock.long_day  # mardi 10 décembre 2026
    env.filters["month_name"] = clock.month_name  # décembre 2026
    env.filters["plain_fr"] = plain_fr
    env.filters["cards"] = cards  # a table that reads as cards on a phone
    env.globals["accord"] = accord  # words agreeing with a learner's recorded gender
    env.globals["ROLE_LABELS"] = {role.value: label for role, label in ROLE_LABELS.items()}
    env.globals["KIND_LABELS"] = {kind.value: label for kind, label in KIND_LABELS.items()}
    env.globals["AGE_BAND_LABELS"] = {band.value: label for band, label in AGE_BAND_LABELS.items()}
    env.globals["VOUCHER_STATUS_LABELS"] = {status.value: label for status, label in VOUCHER_STATUS_LABELS.items()}


def template_config() -> TemplateConfig:
    return TemplateConfig(directory=TEMPLATES_DIR, engine=JinjaTemplateEngine, engine_callback=_configure)


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    caller = request.scope.get("user")
    return Template(
        template_name=template,
        context={"caller": caller, "csrf_token": caller.csrf_token if caller else "", **context},
        status_code=status_code,
    )
