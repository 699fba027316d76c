"""Where a site is in France: its commune's INSEE code gives its département, whose région the official table gives.

The tables beside this module come from the INSEE's Code officiel géographique, millésime 2026 (see each file's
header): `communes.csv` (code;nom;département: current communes and the municipal arrondissements of Paris, Lyon
and Marseille), `departements.csv` (code;nom;région) and `regions.csv` (code;nom). A commune's code starts with its
département's (two characters, 2A/2B in Corse, three in the overseas départements); a code that is not in the table
(a commune merged since, a typo kept from an import) still falls in the département its prefix names."""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).parent
UNKNOWN = ""
"""The département and région of a site without a usable INSEE code."""
UNKNOWN_NAME = "Territoire non renseigné"


class Place(NamedTuple):
    departement: str  # "62", "2A", "974"; UNKNOWN when the code names none
    region: str  # "32"; UNKNOWN likewise


def _rows(name: str) -> list[list[str]]:
    with (HERE / name).open(encoding="utf-8") as lines:
        return list(csv.reader((line for line in lines if not line.startswith("#")), delimiter=";"))


@functools.cache
def communes() -> dict[str, tuple[str, str]]:
    """INSEE code → (name, département)."""
    return {code: (name, departement) for code, name, departement in _rows("communes.csv")}


@functools.cache
def departements() -> dict[str, tuple[str, str]]:
    """Département code → (name, région)."""
    return {code: (name, region) for code, name, region in _rows("departements.csv")}


@functools.cache
def regions() -> dict[str, str]:
    """Région code → name."""
    return dict(_rows("regions.csv"))


@functools.cache
def place_of(insee_code: str | None) -> Place:
    """The département and région of a commune's INSEE code (UNKNOWN for either the tables cannot tell)."""
    code = (insee_code or "").strip().upper()
    known = communes().get(code)
    departement = known[1] if known else _prefix(code)
    if departement not in departements():
        return Place(UNKNOWN, UNKNOWN)
    return Place(departement, departements()[departement][1])


def _prefix(code: str) -> str:
    if len(code) != 5:
        return UNKNOWN
    return code[:3] if code.startswith("97") or code.startswith("98") else code[:2]


def departement_name(code: str) -> str:
    found = departements().get(code)
    return f"{found[0]} ({code})" if found else UNKNOWN_NAME


def region_name(code: str) -> str:
    return regions().get(code, UNKNOWN_NAME)


def commune_name(insee_code: str) -> str | None:
    found = communes().get(insee_code)
    return found[0] if found else None
