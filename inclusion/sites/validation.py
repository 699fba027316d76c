"""Identifiers of French places and organisations."""

from __future__ import annotations

import re

from stdnum.fr import siret

_INSEE = re.compile(r"^((0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5])\d{3}|2[AB]\d{3}|97[1-6]\d{2})$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_RNA = re.compile(r"^W[0-9][0-9A-Z][0-9]{7}$")
_PHONE = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")  # the standard's
_EMAIL = re.compile(r"^[^@\s|]+@[^@\s|]+\.[^@\s|]+$")
_URL = re.compile(r"^https?://[^\s|]+\.[^\s|]+$")


def is_insee_code(value: str) -> bool:
    """A commune's INSEE code: 5 characters, département first (2A/2B for Corsica, 971–976 overseas)."""
    return bool(_INSEE.match(value))


def is_siret(value: str) -> bool:
    """14 digits passing the SIRET check of python-stdnum: Luhn, except La Poste's establishments, whose digits must
    add up to a multiple of 5 (Luhn alone let through La Poste numbers that do not exist)."""
    return siret.is_valid(value) and value.isdigit()


def is_rna(value: str) -> bool:
    """An association's number in the Répertoire national des associations: W, then 9 characters (W623001234)."""
    return bool(_RNA.match(value))


def international_phone(value: str) -> str | None:
    """A phone number as the standard writes it (+33321000000), from « 03 21 00 00 00 » or « +33 3 21… »;
    None when it cannot be one."""
    digits = re.sub(r"[\s.\-()]", "", value)
    if re.fullmatch(r"0\d{9}", digits):
        digits = "+33" + digits[1:]
    return digits if _PHONE.match(digits) else None


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def is_url(value: str) -> bool:
    return bool(_URL.match(value))


def is_time(value: str) -> bool:
    return bool(_TIME.match(value))
