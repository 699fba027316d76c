"""Verification codes: random, unguessable, easy to read aloud and to type back.

16 characters drawn with `secrets` from 31 symbols that cannot be mistaken for one another (no 0/O,
1/I/L): 31**16 ≈ 2**79 codes, printed in groups of four after a prefix, e.g. INC-7F3A-92QX-K4M2-P8WD.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "INC"
LENGTH = 16
GROUP = 4
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    return formatted("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def formatted(symbols: str) -> str:
    groups = [symbols[index : index + GROUP] for index in range(0, LENGTH, GROUP)]
    return "-".join([PREFIX, *groups])


def normalised(raw: str) -> str | None:
    """The code as stored, from what someone typed (any case, spaces or dashes, with or without the prefix);
    None when it cannot be a code at all."""
    symbols = _SEPARATORS.sub("", raw.strip().upper())
    if symbols.startswith(PREFIX) and len(symbols) == LENGTH + len(PREFIX):
        symbols = symbols[len(PREFIX) :]
    if len(symbols) != LENGTH or any(symbol not in ALPHABET for symbol in symbols):
        return None
    return formatted(symbols)
