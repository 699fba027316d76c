"""Names compared the way people write them: case, accents, hyphens and apostrophes do not matter."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑–—'’.]+")


def normalise(text: str) -> str:
    """« Jean-Pierre  D'Hôtel » → « jean pierre d hotel »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", without_accents).strip()


def name_key(first_name: str, last_name: str) -> str:
    return normalise(f"{first_name} {last_name}")


def search_key(first_name: str, last_name: str, pseudonym: str) -> str:
    return " | ".join(part for part in (name_key(first_name, last_name), normalise(pseudonym)) if part)


def display_name(first_name: str, last_name: str, pseudonym: str, anonymised: bool = False) -> str:
    if anonymised:
        return "Fiche anonymisée"
    full = f"{first_name} {last_name}".strip()
    return full or pseudonym or "Sans nom"
