"""Voucher and booklet numbers: typed on a phone, compared as printed (upper case, no spaces)."""

from __future__ import annotations

import re

MAX_PER_BOOKLET = 1000
PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9./-]{0,39}$")
_TRAILING_DIGITS = re.compile(r"^(.*?)(\d+)$")


def normalise(number: str) -> str:
    return re.sub(r"\s+", "", number).upper()


def problem(number: str) -> str | None:
    """Why a (normalised) number cannot be a voucher number, or None."""
    if not number:
        return "Numéro vide."
    if not PATTERN.match(number):
        return f"Numéro « {number[:40]} » invalide : lettres, chiffres, tirets, points ou barres obliques (40 au plus)."
    return None


def expand_range(first: str, last: str) -> tuple[list[str], str | None]:
    """Every number from `first` to `last` (same prefix, counting up the trailing digits), or why not."""
    start, end = _TRAILING_DIGITS.match(first), _TRAILING_DIGITS.match(last)
    if not start or not end or start.group(1) != end.group(1):
        return [], "Le premier et le dernier numéro doivent avoir le même préfixe et finir par des chiffres."
    low, high = int(start.group(2)), int(end.group(2))
    if high < low:
        return [], "Le dernier numéro doit suivre le premier."
    if high - low + 1 > MAX_PER_BOOKLET:
        return [], f"Un carnet compte au plus {MAX_PER_BOOKLET} Pass."
    width = len(start.group(2))
    return [f"{start.group(1)}{str(value).zfill(width)}" for value in range(low, high + 1)], None
