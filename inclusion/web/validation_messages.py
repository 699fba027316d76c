"""French messages for the validation errors msgspec reports in English."""

from __future__ import annotations

import re

_TYPES = {
    "str": "du texte",
    "int": "un nombre entier",
    "float": "un nombre",
    "bool": "un booléen (true ou false)",
    "object": "un objet",
    "array": "une liste",
    "null": "aucune valeur (null)",
    "date": "une date (AAAA-MM-JJ)",
    "datetime": "une date et heure (ISO 8601)",
    "time": "une heure (HH:MM)",
    "uuid": "un identifiant UUID",
    "bytes": "des octets",
}

_EXPECTED = re.compile(r"^Expected `([^`]+)`, got `([^`]+)`$")
_LENGTH = re.compile(r"^Expected `(str|array|object)` of length (>=|<=) (\d+)$")
_BOUND = re.compile(r"^Expected `(int|float)` (>=|<=|>|<) (-?[\d.]+)$")
_ENUM = re.compile(r"^Invalid enum value (.+)$")
_MISSING = re.compile(r"^Object missing required field `([^`]+)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `([^`]+)`$")
_COMPARATORS = {">=": "supérieur ou égal à", "<=": "inférieur ou égal à", ">": "supérieur à", "<": "inférieur à"}


def _type_name(name: str) -> str:
    return " ou ".join(_TYPES.get(part.strip(), part.strip()) for part in name.split("|"))


def translate(message: str, key: str) -> tuple[str, str]:
    """Return (field path, French message) for one msgspec error reported at `key`."""
    message = message.strip()
    field = "" if key in ("", "data", "$") else key
    if match := _MISSING.match(message):
        return _join(field, match.group(1)), "Ce champ est obligatoire."
    if match := _UNKNOWN.match(message):
        return _join(field, match.group(1)), "Ce champ n'est pas reconnu."
    if match := _EXPECTED.match(message):
        expected, got = match.groups()
        if got == "null":
            return field, "Une valeur est obligatoire."
        return field, f"Valeur attendue : {_type_name(expected)} (reçu : {_type_name(got)})."
    if match := _LENGTH.match(message):
        kind, comparator, number = match.groups()
        unit = "caractère" if kind == "str" else "élément"
        plural = "s" if int(number) > 1 else ""
        bound = "au moins" if comparator == ">=" else "au plus"
        return field, f"Doit contenir {bound} {number} {unit}{plural}."
    if match := _BOUND.match(message):
        _, comparator, number = match.groups()
        return field, f"Doit être {_COMPARATORS[comparator]} {number}."
    if message.startswith("Expected `str` matching regex"):
        return field, "Format invalide."
    if match := _ENUM.match(message):
        return field, f"Valeur non autorisée : {match.group(1).strip('`')}."
    if message.startswith("Invalid RFC3339 encoded date") or message.startswith("Invalid ISO8601"):
        return field, "Date ou heure invalide."
    if message.startswith("Integer value out of range"):
        return field, "Nombre hors limites."
    return field, "Valeur invalide."


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
