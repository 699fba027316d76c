"""Identifiers of French places and organisations."""

from __future__ import annotations

import re

from stdnum.fr import siret

_INSEE = re.compile(r"^((0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5])\d{3}|2[AB]\d{3}|97[1-6]\d{2})$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def is_insee_code(value: str) -> bool:
    """A commune's INSEE code: 5 characters, département first (2A/2B for Corsica, 971–976 overseas)."""
    return bool(_INSEE.match(value))


def is_siret(value: str) -> bool:
    """14 digits passing the SIRET check of python-stdnum: Luhn, except La Poste's establishments, whose digits must
    add up to a multiple of 5 (Luhn alone let through La Poste numbers that do not exist)."""
    return siret.is_valid(value) and value.isdigit()


def is_time(value: str) -> bool:
    return bool(_TIME.match(value))
