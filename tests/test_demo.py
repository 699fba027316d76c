"""The demo command's learners at Espace Carnot, checked in the database it filled."""

import json
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta

from inclusion.demo.learners import plan_learners
from tests.support.clock import paris_today
from tests.support.processes import cli_env, run_cli

DUMP = """
import asyncio, json
from inclusion.storage import db, engines
from inclusion.storage.tables.assessments import Assessment, AssessmentLevel
from inclusion.demo.seed import CARNOT
from inclusion.storage.tables.learners import Learner
from inclusion.settings import Settings

async def main():
    engine = engines.create_engine(Settings.from_env())
    db.bind(engine)
    learners = await Learner.select(
        Learner.id, Learner.first_visit_on, Learner.last_contact_on, Learner.name_key, Learner.search_key,
        Learner.created_by.email.as_alias("created_by"),
    ).where(Learner.site.name == CARNOT).run()
    assessments = await Assessment.select(
        Assessment.id, Assessment.learner, Assessment.assessed_on, Assessment.kind,
        Assessment.version.framework.code.as_alias("framework"), Assessment.version.is_current.as_alias("current"),
    ).where(Assessment.site.name == CARNOT).run()
    levels = await AssessmentLevel.select(
        AssessmentLevel.assessment, AssessmentLevel.level, AssessmentLevel.competence.code.as_alias("code"),
        AssessmentLevel.competence.socle.as_alias("socle"),
    ).where(AssessmentLevel.assessment.site.name == CARNOT).run()
    print(json.dumps({"learners": learners, "assessments": assessments, "levels": levels}, default=str))
    await db.close(engine)

asyncio.run(main())
"""


def dump(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", DUMP], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_demo_adds_learners_who_mostly_progress(fresh_database_url, tmp_path):
    """About 150 learners at Espace Carnot, 1 to 4 dated assessments each, most improving on the socle."""
    env = cli_env(fresh_database_url, tmp_path)
    first = run_cli("demo", env=env)
    assert first.returncode == 0, first.stderr
    today = paris_today().isoformat()
    data = dump(env)
    learners = {row["id"]: row for row in data["learners"]}
    assert 140 <= len(learners) <= 160
    assert all(row["created_by"] == "conseiller@demo.inclusion.test" and row["name_key"] for row in learners.values())
    assert len({row["name_key"] for row in learners.values()}) == len(learners)
    by_learner = defaultdict(list)
    for row in sorted(data["assessments"], key=lambda row: row["assessed_on"]):
        assert row["framework"] == "autonomie_quotidien" and row["current"]
        by_learner[row["learner"]].append(row)
    socle = defaultdict(list)
    for row in data["levels"]:
        if row["socle"]:
            socle[row["assessment"]].append(row["level"])
    improved = several = 0
    for learner_id, learner in learners.items():
        assessments = by_learner[learner_id]
        assert 1 <= len(assessments) <= 4, learner
        days = [row["assessed_on"] for row in assessments]
        assert learner["first_visit_on"] <= days[0] and days == sorted(set(days)) and days[-1] <= today
        assert learner["last_contact_on"] == days[-1]
        assert assessments[0]["kind"] == "initial"
        assert all(len(socle[row["id"]]) >= 5 for row in assessments)
        if len(assessments) > 1:
            several += 1
            start, end = socle[assessments[0]["id"]], socle[assessments[-1]["id"]]
            improved += sum(end) / len(end) > sum(start) / len(start)
    assert improved > several / 2
    assert any(len(rows) == 1 for rows in by_learner.values())
    assert sum(1 for rows in by_learner.values() if min(socle[rows[0]["id"]]) < 3) > len(learners) / 2


def test_demo_learners_are_added_once(fresh_database_url, tmp_path):
    """A second demo run adds no learner and no assessment."""
    env = cli_env(fresh_database_url, tmp_path)
    assert run_cli("demo", env=env).returncode == 0
    before = dump(env)
    second = run_cli("demo", env=env)
    assert second.returncode == 0, second.stderr
    assert "0 enregistrement(s) ajouté(s)" in second.stdout
    after = dump(env)
    assert (len(after["learners"]), len(after["assessments"])) == (len(before["learners"]), len(before["assessments"]))


def test_demo_record_count_does_not_depend_on_the_day():
    """The same number of learners and assessments whatever the date, with no date after that day."""
    counts = set()
    for today in (date(2026, 1, 1), date(2026, 12, 31), date(2031, 6, 15)):
        planned = plan_learners(today)
        counts.add((len(planned), sum(len(learner.assessments) for learner in planned)))
        assert all(day <= today for learner in planned for day, _, _ in learner.assessments)
    assert len(counts) == 1


VOUCHER_DUMP = """
import asyncio, json
from inclusion.storage import db, engines
from inclusion.storage.tables.activities import Activity, ActivityParticipant
from inclusion.storage.tables.audit import AuditEntry
from inclusion.settings import Settings
from inclusion.storage.tables.vouchers import Booklet, Claim, SchemeSite, Voucher, VoucherEvent, VoucherScheme

async def main():
    engine = engines.create_engine(Settings.from_env())
    db.bind(engine)
    out = {
        "schemes": await VoucherScheme.select().run(),
        "scheme_sites": await SchemeSite.select().run(),
        "booklets": await Booklet.select(Booklet.site.name.as_alias("site_name"), *Booklet._meta.columns).run(),
        "vouchers": await Voucher.select().run(),
        "events": await VoucherEvent.select().order_by(VoucherEvent.at).order_by(VoucherEvent.id).run(),
        "claims": await Claim.select().run(),
        "activities": await Activity.select(Activity.id, Activity.site, Activity.date, Activity.learner).run(),
        "participants": await ActivityParticipant.select().run(),
        "redeem_audits": await AuditEntry.count().where(AuditEntry.action == "redeem").run(),
    }
    print(json.dumps(out, default=str))
    await db.close(engine)

asyncio.run(main())
"""


def test_demo_has_booklets_and_realistic_redemptions(fresh_database_url, tmp_path):
    """The issue's two schemes, booklets from several prescribers at both sites, about 40 % of the handed
    vouchers used for sessions their learner attended while valid, a claim, and a history for every move."""
    env = cli_env(fresh_database_url, tmp_path)
    assert run_cli("demo", env=env).returncode == 0
    result = subprocess.run([sys.executable, "-c", VOUCHER_DUMP], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    schemes = {row["id"]: row for row in data["schemes"]}
    assert {(row["name"], row["face_value_cents"]) for row in schemes.values()} == {
        ("Pass numérique", 1000),
        ("Chèque numérique départemental", 2000),
    }
    assert len({row["prescriber_type"] for row in data["booklets"]}) >= 4
    assert {row["site_name"] for row in data["booklets"]} == {
        "Espace Carnot — Maison France Services, Le Portel",
        "Bus numérique du Boulonnais",
    }
    accepted = {(row["scheme"], row["site"]) for row in data["scheme_sites"]}
    vouchers = data["vouchers"]
    handed = [v for v in vouchers if v["learner"] is not None]
    used = [v for v in handed if v["status"] in ("redeemed", "claimed", "reimbursed")]
    assert len(handed) >= 30 and 0.35 <= len(used) / len(handed) <= 0.45
    activities = {row["id"]: row for row in data["activities"]}
    present = {(row["activity"], row["learner"]) for row in data["participants"] if row["present"]}
    for voucher in used:
        activity = activities[voucher["activity"]]
        scheme = schemes[voucher["scheme"]]
        last_valid = date.fromisoformat(scheme["valid_until"]) + timedelta(days=scheme["tolerance_days"])
        assert activity["learner"] == voucher["learner"] or (activity["id"], voucher["learner"]) in present
        assert voucher["issued_on"] <= activity["date"] == voucher["redeemed_on"] <= last_valid.isoformat()
        assert (voucher["scheme"], activity["site"]) in accepted
    assert data["redeem_audits"] == len(used)
    claims = {row["id"]: row for row in data["claims"]}
    assert claims and any(row["status"] == "paid" for row in claims.values())
    for claim in claims.values():
        on_it = [v for v in vouchers if v["claim"] == claim["id"]]
        assert claim["voucher_count"] == len(on_it) and claim["total_cents"] == sum(v["value_cents"] for v in on_it)
        assert {v["status"] for v in on_it} == {"reimbursed" if claim["status"] == "paid" else "claimed"}
    chains = defaultdict(list)
    for event in data["events"]:
        chains[event["voucher"]].append((event["from_status"], event["to_status"]))
    for voucher in vouchers:
        chain = chains[voucher["id"]]
        assert chain[0] == (None, "in_stock") and chain[-1][1] == voucher["status"]
        assert all(chain[n][1] == chain[n + 1][0] for n in range(len(chain) - 1))


REASSIGN = """
import asyncio
from inclusion.storage import db, engines, sql
from inclusion.settings import Settings

async def main():
    engine = engines.create_engine(Settings.from_env())
    db.bind(engine)
    prefecture = (await sql.fetch("SELECT id FROM funder"))[0]["id"]
    await sql.fetch("DELETE FROM funder_user")
    await sql.fetch("DELETE FROM funder_grant")
    await sql.fetch("DELETE FROM funder WHERE id = {}", prefecture)
    await sql.fetch("INSERT INTO funder (name, type) VALUES ({}, {})", "Financeur existant", "autre")
    own = (await sql.fetch("SELECT id FROM funder"))[0]["id"]
    account = (await sql.fetch("SELECT id FROM app_user WHERE role = {}", "funder"))[0]["id"]
    await sql.fetch("INSERT INTO funder_user (funder, \\"user\\") VALUES ({}, {})", own, account)
    await db.close(engine)

asyncio.run(main())
"""


def test_demo_leaves_a_funder_account_that_already_has_a_funder(fresh_database_url, tmp_path):
    """On an older database whose funder account already belongs to a funder, the demo runs and keeps it there."""
    env = cli_env(fresh_database_url, tmp_path)
    assert run_cli("demo", env=env).returncode == 0
    reassign = subprocess.run([sys.executable, "-c", REASSIGN], env=env, capture_output=True, text=True, timeout=120)
    assert reassign.returncode == 0, reassign.stderr
    again = run_cli("demo", env=env)
    assert again.returncode == 0, again.stderr
    listing = run_cli("demo", env=env)
    assert listing.returncode == 0 and "0 enregistrement(s) ajouté(s)" in listing.stdout
