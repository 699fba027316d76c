"""Jinja pages: one helper gives every page the caller, the CSRF token and French formats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from inclusion import clock
from inclusion.scoping import ROLE_LABELS
from inclusion.settings import TEMPLATES_DIR
from inclusion.sites.schemas import KIND_LABELS
from inclusion.vocabulary import AGE_BAND_LABELS, VOUCHER_STATUS_LABELS


def date_fr(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return "—"
    local = value.astimezone(clock.zone())
    return local.strftime("%d/%m/%Y à %H:%M" if with_time else "%d/%m/%Y")


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.filters["date_fr"] = date_fr
    env.filters["weekday"] = clock.weekday_name  # mardi
    env.filters["short_day"] = clock.short_day  # mar. 10 déc.
    env.filters["long_day"] = clock.long_day  # mardi 10 décembre 2026
    env.filters["month_name"] = clock.month_name  # décembre 2026
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
