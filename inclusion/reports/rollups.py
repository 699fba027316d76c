"""Stored sums of the sites' shares per territory: each département's and each région's, over the default period.

A report's per-site rows (`site_parts.PARTS`) are all additive: the whole set's column is their sum, learners
accompanied being counted once per site. So the rows of a territory's sites add up, row key by row key (every
field but `site` and the counts), into the territory's rows, exactly. A rollup (`report_rollup`) keeps that sum
beside the stamps of each member site's stored parts it summed (`members`); it is read only when every site of
the territory is a member at its stamps now, and a site whose parts are stored again moves its territories'
rollups by (new − old), in the same transaction (`split_parts.store`). A rollup that cannot be moved so (a member
missing, or at other stamps than the parts replaced) is deleted and summed again from its sites.

Keys: `departement:62`, `region:32`. A site whose commune names no département is never rolled up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import msgspec

from inclusion.reports.site_parts import KEEP_DAYS, PARTS
from inclusion.sites.territory import UNKNOWN, place_of
from inclusion.storage import sql

_encode = msgspec.json.Encoder(decimal_format="number").encode
_decode = msgspec.json.Decoder().decode
COUNTS = {"n", "assessed", "fragile", "activities", "workshops", "named_sessions", "anonymous_sessions",
          "anonymous_in_workshops", "minutes"}  # fmt: skip
Rows = dict[str, list[dict[str, Any]]]


def is_count(field: str) -> bool:
    """The fields a row's figures are in (the others, besides `site`, say what the row counts)."""
    return field in COUNTS or (len(field) > 1 and field[0] in "np" and field[1:].isdigit())


_SHAPES: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _shape(row: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A row's key fields and count fields (rows of one part share their fields: computed once per shape)."""
    fields = tuple(row)
    found = _SHAPES.get(fields)
    if found is None:
        key = tuple(sorted(field for field in fields if field != "site" and not is_count(field)))
        found = _SHAPES[fields] = (key, tuple(field for field in fields if is_count(field)))
    return found


def row_key(row: dict[str, Any]) -> tuple:
    key, _ = _shape(row)
    return (key, tuple(row[field] for field in key))


class Sums:
    """Rows summed per part and row key; rows whose counts all sum to zero are left out."""

    def __init__(self) -> None:
        self.parts: dict[str, dict[tuple, dict[str, int]]] = {part: {} for part in PARTS}

    def add(self, rows: Rows, sign: int = 1) -> Sums:
        for part, part_rows in rows.items():
            found = self.parts.setdefault(part, {})
            for row in part_rows:
                key, counts_of = _shape(row)
                identity = (key, tuple(row[field] for field in key))
                counts = found.get(identity)
                if counts is None:
                    counts = found[identity] = {}
                for field in counts_of:
                    counts[field] = counts.get(field, 0) + sign * int(row[field] or 0)
        return self

    def rows(self, site: Any) -> Rows:
        return {
            part: [
                dict(zip(key, values, strict=True)) | counts | {"site": site}
                for (key, values), counts in found.items()
                if any(counts.values())
            ]
            for part, found in self.parts.items()
        }


def summed(shares: Iterable[Rows], site: Any = None) -> Rows:
    total = Sums()
    for rows in shares:
        total.add(rows)
    return total.rows(site)


async def places() -> dict[int, tuple[str, str]]:
    """Every site's (département, région) keys, or none for a site whose commune names none."""
    found = {}
    for site in await sql.fetch("SELECT id, insee_code FROM site"):
        place = place_of(site["insee_code"])
        if place.departement != UNKNOWN:
            found[site["id"]] = (f"departement:{place.departement}", f"region:{place.region}")
    return found


def members_of(where: dict[int, tuple[str, str]]) -> dict[str, set[int]]:
    territories: dict[str, set[int]] = {}
    for site, keys in where.items():
        for key in keys:
            territories.setdefault(key, set()).add(site)
    return territories


def choose(
    sites: list[int], where: dict[int, tuple[str, str]], regions: bool = True
) -> tuple[dict[str, set[int]], list[int]]:
    """The territories all of whose sites are among `sites` (a région rather than its départements; départements
    only unless `regions`), and the sites left."""
    kept, territories = set(sites), members_of(where)
    chosen: dict[str, set[int]] = {}
    covered: set[int] = set()
    for level in (1, 0) if regions else (0,):  # régions first
        for key in dict.fromkeys(where[site][level] for site in sites if site in where):
            members = territories[key]
            if members <= kept and not members <= covered:
                chosen[key] = members
                covered |= members
    return chosen, [site for site in sites if site not in covered]


class Rollup(msgspec.Struct):
    members: dict[int, list[str]]
    rows: Rows


async def read(territories: list[str], key: str) -> dict[str, Rollup]:
    if not territories:
        return {}
    stored = await sql.fetch(
        f"SELECT territory, members, payload FROM report_rollup WHERE scope_key = {{}} "
        f"AND territory IN ({sql.marks(len(territories))})",
        key, *territories,
    )  # fmt: skip
    return {
        row["territory"]: Rollup({int(s): v for s, v in _decode(row["members"]).items()}, _decode(row["payload"]))
        for row in stored
    }


def holds(rollup: Rollup | None, members: set[int], stamps: dict[int, list[str]]) -> bool:
    return (
        rollup is not None
        and set(rollup.members) == members
        and all(rollup.members[site] == stamps[site] for site in members)
    )


def upsert(found: dict[str, Rollup], key: str, today: date) -> tuple[str, list[Any]]:
    """One statement storing these territories' rollups."""
    values = []
    for territory, rollup in found.items():
        members = _encode({str(site): stamps for site, stamps in rollup.members.items()}).decode()
        values += [territory, key, members, _encode(rollup.rows).decode(), today]
    tuples = ", ".join(f"({sql.marks(5)})" for _ in found)
    return (
        f"INSERT INTO report_rollup (territory, scope_key, members, payload, computed_on) VALUES {tuples} "
        "ON CONFLICT (territory, scope_key) DO UPDATE SET members = excluded.members, payload = excluded.payload, "
        "computed_on = excluded.computed_on",
        values,
    )


def moved(rollup: Rollup, changes: dict[int, tuple[list[str] | None, list[str], Rows, Rows]]) -> Rollup | None:
    """The rollup with each changed member's old rows (stored at its old stamps) replaced by its new ones; None
    when it did not sum that site at those stamps (a site it never summed is added). Only the rows the changes
    touch are rewritten."""
    difference = Sums()
    members = dict(rollup.members)
    for site, (old_stamps, new_stamps, old_rows, new_rows) in changes.items():
        if site in members:
            if members[site] != old_stamps:
                return None
            difference.add(old_rows, -1)
        difference.add(new_rows)
        members[site] = new_stamps
    rows: Rows = {}
    for part in set(rollup.rows) | set(difference.parts):
        change = dict(difference.parts.get(part, {}))
        kept = []
        for row in rollup.rows.get(part, []):
            counts = change.pop(row_key(row), None)
            if counts is not None:
                row = row | {field: (row.get(field) or 0) + value for field, value in counts.items()}
                if not any(row[field] for field in _shape(row)[1]):
                    continue
            kept.append(row)
        kept += [dict(zip(key, values, strict=True)) | counts | {"site": None}
                 for (key, values), counts in change.items() if any(counts.values())]  # fmt: skip
        rows[part] = kept
    return Rollup(members, rows)


async def forget_old(today: date) -> None:
    await sql.fetch("DELETE FROM report_rollup WHERE computed_on < {}", date.fromordinal(today.toordinal() - KEEP_DAYS))
