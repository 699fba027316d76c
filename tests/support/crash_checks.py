"""After the crash: what the database holds, read with plain SQL, against what each client was told."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg

from tests.support.crash_load import Sent

QUERIES = {
    "activities": "SELECT id, title, note, date FROM activity",
    "participants": "SELECT activity, learner, present FROM activity_participant",
    "topics": "SELECT activity, kind, topic FROM activity_topic",
    "vouchers": "SELECT id, number, status, activity FROM voucher",
    "events": "SELECT voucher, to_status, activity FROM voucher_event",
    "audit": "SELECT target_id FROM audit_entry WHERE action = 'redeem'",
}


SQLITE_QUERIES = {
    "integrity": "PRAGMA integrity_check",  # one row, "ok", when the file is sound
    "broken_links": "PRAGMA foreign_key_check",  # none expected
}


async def read_tables(url: str) -> dict[str, list[dict]]:
    """Every row the checks need, straight from the database (no app code in between); on SQLite, the file's
    own integrity and foreign-key checks too."""
    if url.startswith("sqlite:"):
        with closing(sqlite3.connect(url[len("sqlite:///") :])) as connection:
            connection.row_factory = sqlite3.Row
            queries = QUERIES | SQLITE_QUERIES
            return {name: [dict(row) for row in connection.execute(query)] for name, query in queries.items()}
    connection = await asyncpg.connect(url)
    try:
        return {name: [dict(row) for row in await connection.fetch(query)] for name, query in QUERIES.items()}
    finally:
        await connection.close()


@dataclass
class Tally:
    acknowledged: int = 0
    acknowledged_stored: int = 0
    in_flight: int = 0  # no answer: the server died with the request
    in_flight_stored: int = 0  # whole, the other checks make sure
    in_flight_absent: int = 0


def compare(ledger: list[Sent], tables: dict[str, list[dict]]) -> tuple[Tally, Tally, list[str]]:
    """Activities' and redemptions' tallies, and every inconsistency found (none expected)."""
    problems: list[str] = []
    if [list(row.values()) for row in tables.get("integrity", [{"ok": "ok"}])] != [["ok"]]:
        problems.append(f"SQLite integrity check: {tables['integrity']}")
    if tables.get("broken_links"):
        problems.append(f"SQLite foreign key check: {tables['broken_links']}")
    activities = _activities(ledger, tables, problems)
    redemptions = _redemptions(ledger, tables, problems)
    return activities, redemptions, problems


def _activities(ledger: list[Sent], tables: dict, problems: list[str]) -> Tally:
    """Each stored activity as sent; a series (`repeat_weeks`) stored with all its weeks or none."""
    participants: dict[int, set] = defaultdict(set)
    topics: dict[int, set] = defaultdict(set)
    for row in tables["participants"]:
        participants[row["activity"]].add((row["learner"], bool(row["present"])))
    for row in tables["topics"]:
        topics[row["activity"]].add((row["kind"], row["topic"]))
    sent = {item.key: item for item in ledger if item.kind == "activity"}
    stored: dict[str, list[dict]] = defaultdict(list)
    for row in tables["activities"]:
        title, id = row["title"], row["id"]
        if title not in sent:
            problems.append(f"activity {id} «{title}» was never sent")
            continue
        stored[title].append(row)
        body = sent[title].body
        if row["note"] != body["note"]:
            problems.append(f"activity {id} «{title}»: note {row['note']!r}, sent {body['note']!r}")
        if participants[id] != (expected := {(p["learner_id"], p["present"]) for p in body["participants"]}):
            problems.append(
                f"activity {id} «{title}»: participants {sorted(participants[id])}, sent {sorted(expected)}"
            )
        expected = {("digital", t) for t in body["digital_topics"]} | {("admin", t) for t in body["admin_topics"]}
        if topics[id] != expected:
            problems.append(f"activity {id} «{title}»: topics {sorted(topics[id])}, sent {sorted(expected)}")
    for title, rows in stored.items():
        first = date.fromisoformat(sent[title].body["date"])
        weeks = [str(first + timedelta(weeks=k)) for k in range(sent[title].body["repeat_weeks"])]
        if sorted(str(row["date"]) for row in rows) != weeks:
            problems.append(f"«{title}» stored on {sorted(str(row['date']) for row in rows)}, sent for {weeks}")
    orphans = (set(participants) | set(topics)) - {row["id"] for row in tables["activities"]}
    if orphans:
        problems.append(f"participants or topics of activities that do not exist: {sorted(orphans)}")
    tally = Tally()
    for title, item in sent.items():
        ids = sorted(row["id"] for row in stored.get(title, []))
        _count(tally, item, bool(ids), problems)
        if item.acknowledged and ids != (answered := sorted(activity["id"] for activity in item.answer)):
            problems.append(f"acknowledged «{title}» (ids {answered}) is stored as {ids}")
    return tally


def _redemptions(ledger: list[Sent], tables: dict, problems: list[str]) -> Tally:
    """Each voucher either still issued, untouched, or redeemed for the activity asked, with its one history row
    and audit entry."""
    redeemed_events: dict[int, list[dict]] = defaultdict(list)
    for row in tables["events"]:
        if row["to_status"] == "redeemed":
            redeemed_events[row["voucher"]].append(row)
    audited = Counter(row["target_id"] for row in tables["audit"])
    sent = {item.key: item for item in ledger if item.kind == "redemption"}
    by_number = {row["number"]: row for row in tables["vouchers"]}
    for voucher in tables["vouchers"]:
        id, number, status, activity = voucher["id"], voucher["number"], voucher["status"], voucher["activity"]
        events = redeemed_events[id]
        if status == "redeemed":
            linked = activity is not None and len(events) == 1 and events[0]["activity"] == activity
            whole = linked and audited[id] == 1
            asked = sent.get(number)
            if not whole or asked is None or asked.body["activity_id"] != activity:
                problems.append(
                    f"voucher {number} redeemed for activity {activity} with {len(events)} redemption rows "
                    f"and {audited[id]} audit entries; asked: {asked and asked.body}"
                )
        elif status != "issued" or events or activity is not None or audited[id]:
            problems.append(
                f"voucher {number} {status} (activity {activity}) with {len(events)} redemption rows "
                f"and {audited[id]} audit entries"
            )
    tally = Tally()
    for number, item in sent.items():
        voucher = by_number[number]
        done = voucher["status"] == "redeemed" and voucher["activity"] == item.body["activity_id"]
        _count(tally, item, done, problems)
        if item.acknowledged and (not done or item.answer["status"] != "redeemed"):
            problems.append(f"acknowledged redemption of {number} ({item.answer}) left the voucher {voucher}")
    return tally


def _count(tally: Tally, item: Sent, there: bool, problems: list[str]) -> None:
    if item.acknowledged:
        tally.acknowledged += 1
        tally.acknowledged_stored += there
    elif item.status is None:
        tally.in_flight += 1
        tally.in_flight_stored += there
        tally.in_flight_absent += not there
    else:  # nothing in this load is meant to be refused
        problems.append(f"{item.kind} {item.key} answered {item.status}: {item.answer}")


def summary(label: str, activities: Tally, redemptions: Tally, seconds: float, kills: int) -> str:
    a, r = activities, redemptions
    return (
        f"{label}: {a.acknowledged} workshops acknowledged, {a.acknowledged_stored} stored; "
        f"{r.acknowledged} redemptions acknowledged, {r.acknowledged_stored} stored; "
        f"{a.in_flight + r.in_flight} in flight at {'the kill' if kills == 1 else f'{kills} kills'} "
        f"after {seconds:.1f} s of load "
        f"({a.in_flight} workshops: {a.in_flight_stored} stored whole, {a.in_flight_absent} absent; "
        f"{r.in_flight} redemptions: {r.in_flight_stored} stored, {r.in_flight_absent} absent)"
    )
