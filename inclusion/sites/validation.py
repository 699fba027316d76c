"""Identifiers of French places and organisations."""

from __future__ import annotations

import re

_INSEE = re.compile(r"^((0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5])\d{3}|2[AB]\d{3}|97[1-6]\d{2})$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LA_POSTE_SIREN = "356000000"


def is_insee_code(value: str) -> bool:
    """A commune's INSEE code: 5 characters, département first (2A/2B for Corsica, 971–976 overseas)."""
    return bool(_INSEE.match(value))


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        number = int(char)
        if position % 2:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0


def is_siret(value: str) -> bool:
    """14 digits passing the Luhn check; La Poste's establishments may instead have a digit sum divisible by 5."""
    if len(value) != 14 or not value.isdigit():
        return False
    if luhn_valid(value):
        return True
    return value.startswith(LA_POSTE_SIREN) and sum(int(char) for char in value) % 5 == 0


def is_time(value: str) -> bool:
    return bool(_TIME.match(value))
