"""The demo data that `inclusion demo` puts in a fresh database: a real month at Espace Carnot relative to today,
learners at the digital bus, Pass numérique, certificates that verify, and a funder's report worth reading."""

import hashlib
import json
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from litestar.testing import AsyncTestClient

from inclusion.demo.learners import BUS_COHORT, CARNOT_COHORT, plan_learners
from inclusion.demo.seed import (
    ADVISER,
    BUS,
    BUS_ADVISER,
    CARNOT,
    COORDINATOR,
    DEMO_PASSWORD,
    FUNDER_ACCOUNT,
    seed_demo,
)
from inclusion.storage.tables.accounts import User
from inclusion.storage.tables.funders import Funder, FunderUser, Grant
from tests.support.browser import login
from tests.support.certificates import pdf_text
from tests.support.clock import paris_today
from tests.support.processes import cli_env, run_cli

DUMP = """
import asyncio, json
from inclusion.settings import Settings
from inclusion.storage import db, engines
from inclusion.storage.tables.activities import Activity, ActivityParticipant, ActivityTopic, SiteDay
from inclusion.storage.tables.assessments import Assessment, AssessmentLevel
from inclusion.storage.tables.certificates import Certificate
from inclusion.storage.tables.learners import Learner
from inclusion.storage.tables.vouchers import Claim, SchemeSite, Voucher, VoucherEvent, VoucherScheme, Booklet
from inclusion.storage.tables.audit import AuditEntry
from inclusion.storage.tables.feedback import FeedbackAnswer, FeedbackOffer

async def main():
    engine = engines.create_engine(Settings.from_env())
    db.bind(engine)
    out = {
        "learners": await Learner.select(
            Learner.id, Learner.first_visit_on, Learner.last_contact_on, Learner.name_key, Learner.first_name,
            Learner.site.name.as_alias("site"), Learner.created_by.email.as_alias("created_by"),
        ),
        "assessments": await Assessment.select(
            Assessment.id, Assessment.learner, Assessment.assessed_on, Assessment.kind,
            Assessment.version.framework.code.as_alias("framework"), Assessment.version.is_current.as_alias("current"),
        ),
        "levels": await AssessmentLevel.select(
            AssessmentLevel.assessment, AssessmentLevel.level, AssessmentLevel.competence.code.as_alias("code"),
            AssessmentLevel.competence.socle.as_alias("socle"),
        ),
        "activities": await Activity.select(
            Activity.id, Activity.site.name.as_alias("site_name"), Activity.site, Activity.type, Activity.date,
            Activity.start_time, Activity.duration_minutes, Activity.title, Activity.learner, Activity.person_age_band,
            Activity.anonymous_count, Activity.anonymous_breakdown, Activity.series, Activity.autonomy,
            Activity.referral_type, Activity.adviser.email.as_alias("adviser"),
        ).output(load_json=True),
        "topics": await ActivityTopic.select(ActivityTopic.activity, ActivityTopic.kind, ActivityTopic.topic),
        "participants": await ActivityParticipant.select(),
        "site_days": await SiteDay.select(SiteDay.site.name.as_alias("site"), SiteDay.day, SiteDay.open),
        "certificates": await Certificate.select(
            Certificate.id, Certificate.code, Certificate.learner, Certificate.sha256, Certificate.revoked_at
        ),
        "schemes": await VoucherScheme.select(),
        "scheme_sites": await SchemeSite.select(),
        "booklets": await Booklet.select(Booklet.site.name.as_alias("site_name"), *Booklet._meta.columns),
        "vouchers": await Voucher.select(),
        "events": await VoucherEvent.select().order_by(VoucherEvent.at).order_by(VoucherEvent.id),
        "claims": await Claim.select(),
        "redeem_audits": await AuditEntry.count().where(AuditEntry.action == "redeem"),
        "feedback_offers": await FeedbackOffer.select(),
        "feedback_answers": await FeedbackAnswer.select().output(load_json=True),
    }
    print(json.dumps(out, default=str))
    await db.close(engine)

asyncio.run(main())
"""


def dump(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", DUMP], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A fresh database filled once by `inclusion demo`, and what it holds."""
    from tests.conftest import fresh_database

    directory = tmp_path_factory.mktemp("demo")
    with fresh_database(directory) as url:
        env = cli_env(url, directory)
        result = run_cli("demo", env=env)
        assert result.returncode == 0, result.stderr
        yield {"url": url, "env": env, "output": result.stdout, "data": dump(env)}


@pytest.fixture
async def demo_client(demo, tmp_path):
    """A client of the app on the demo database."""
    from inclusion.app import create_app
    from tests.conftest import test_settings

    async with AsyncTestClient(app=create_app(test_settings(demo["url"], tmp_path))) as client:
        client.follow_redirects = False
        yield client


async def as_account(client, email: str) -> None:
    client.cookies.clear()
    assert (await login(client, email, DEMO_PASSWORD)).status_code == 303


def days_ago(days: int) -> str:
    return (paris_today() - timedelta(days=days)).isoformat()


def by_site(rows: list[dict], name: str, key: str = "site") -> list[dict]:
    return [row for row in rows if row[key] == name]


def socle_levels(data: dict) -> dict[int, list[int]]:
    socle = defaultdict(list)
    for row in data["levels"]:
        if row["socle"]:
            socle[row["assessment"]].append(row["level"])
    return socle


def test_demo_adds_learners_who_mostly_progress(demo):
    """About 220 learners at Espace Carnot, 1 to 4 dated assessments each, most improving on the socle; each came
    at least on their first visit, and their last contact is their latest assessment or activity."""
    data, today = demo["data"], paris_today().isoformat()
    learners = {row["id"]: row for row in by_site(data["learners"], CARNOT)}
    assert 200 <= len(learners) <= 240
    assert all(row["created_by"] == ADVISER and row["name_key"] for row in learners.values())
    assert len({row["name_key"] for row in data["learners"]}) == len(data["learners"])
    by_learner = defaultdict(list)
    for row in sorted(data["assessments"], key=lambda row: row["assessed_on"]):
        assert row["framework"] == "autonomie_quotidien" and row["current"]
        by_learner[row["learner"]].append(row)
    attended = defaultdict(set)
    for row in data["activities"]:
        if row["learner"]:
            attended[row["learner"]].add(row["date"])
    dates = {row["id"]: row["date"] for row in data["activities"]}
    for row in data["participants"]:
        if row["present"]:
            attended[row["learner"]].add(dates[row["activity"]])
    socle = socle_levels(data)
    improved = several = 0
    for learner_id, learner in learners.items():
        assessments = by_learner[learner_id]
        assert 1 <= len(assessments) <= 4, learner
        days = [row["assessed_on"] for row in assessments]
        assert learner["first_visit_on"] <= days[0] and days == sorted(set(days)) and days[-1] <= today
        assert learner["first_visit_on"] in attended[learner_id]
        assert learner["last_contact_on"] == max(days[-1], *attended[learner_id]) <= today
        assert assessments[0]["kind"] == "initial"
        assert all(len(socle[row["id"]]) >= 5 for row in assessments)
        if len(assessments) > 1:
            several += 1
            start, end = socle[assessments[0]["id"]], socle[assessments[-1]["id"]]
            improved += sum(end) / len(end) > sum(start) / len(start)
    assert improved > several / 2
    assert any(len(rows) == 1 for rows in by_learner.values())
    assert sum(1 for rows in by_learner.values() if min(socle[rows[0]["id"]]) < 3) > len(learners) / 2


def test_a_second_run_adds_nothing(demo):
    """Run again, the demo adds no record of any kind and says so."""
    again = run_cli("demo", env=demo["env"])
    assert again.returncode == 0, again.stderr
    first = int(demo["output"].split(" : ")[1].split(" ")[0])
    assert first > 2000 and "coordination@demo.inclusion.test" in demo["output"]
    assert "Données de démonstration : 0 enregistrement(s) ajouté(s)." in again.stdout
    after = dump(demo["env"])
    assert {name: len(rows) for name, rows in after.items() if isinstance(rows, list)} == {
        name: len(rows) for name, rows in demo["data"].items() if isinstance(rows, list)
    }


def test_demo_record_count_does_not_depend_on_the_day():
    """The same number of learners and assessments whatever the date, with no date after that day."""
    for cohort in (CARNOT_COHORT, BUS_COHORT):
        counts = set()
        for today in (date(2026, 1, 1), date(2026, 12, 31), date(2031, 6, 15)):
            planned = plan_learners(today, cohort)
            counts.add((len(planned), sum(len(learner.assessments) for learner in planned)))
            assert all(day < today for learner in planned for day, _, _ in learner.assessments)
        assert len(counts) == 1


def test_every_activity_follows_the_national_model(demo):
    """Every activity has a digital topic; a workshop has a title and someone in it; a session has one learner or
    one anonymous person; anonymous counts add up; only workshops planned ahead (nobody in them yet) are in the
    future; an adviser is never in two places."""
    data, today = demo["data"], paris_today().isoformat()
    digital = {row["activity"] for row in data["topics"] if row["kind"] == "digital"}
    named = Counter(row["activity"] for row in data["participants"])
    busy = defaultdict(list)
    for row in data["activities"]:
        planned = row["date"] > today
        assert row["id"] in digital, row
        if planned:
            assert row["type"] == "collectif" and named[row["id"]] + row["anonymous_count"] == 0, row
        if row["type"] == "collectif":
            assert row["title"].strip() and (planned or named[row["id"]] + row["anonymous_count"] >= 1), row
            for counts in (row["anonymous_breakdown"] or {}).values():
                assert sum(counts.values()) == row["anonymous_count"], row
        else:
            assert (row["learner"] is None) != (row["person_age_band"] is None) and not named[row["id"]], row
        hours, minutes = map(int, row["start_time"][:5].split(":"))
        busy[(row["adviser"], row["date"])].append(
            (hours * 60 + minutes, hours * 60 + minutes + row["duration_minutes"])
        )
    for slots in busy.values():
        slots.sort()
        assert all(end <= following for (_, end), (following, _) in zip(slots, slots[1:], strict=False)), slots


async def test_this_week_looks_like_a_real_week(demo, demo_client):
    """The adviser's last days are full: named workshops (weekly series among them) with present, absent and
    anonymous participants, and sessions today or on the previous opening day, with autonomy and some referrals."""
    await as_account(demo_client, ADVISER)
    today = paris_today()
    week = await demo_client.get(f"/api/v1/activities?date_from={days_ago(6)}&per_page=100")
    rows = week.json()["items"]
    workshops = [row for row in rows if row["type"] == "collectif"]
    sessions = [row for row in rows if row["type"] == "individuel" and row["learner_id"]]
    assert len(workshops) >= 3 and len(sessions) >= 10
    if today.weekday() > 0:  # from Tuesday on, the calendar week itself has workshops and sessions
        monday = today - timedelta(days=today.weekday())
        assert any(row["date"] >= monday.isoformat() for row in workshops)
        assert sum(row["date"] >= monday.isoformat() for row in sessions) >= 3
    assert all(row["title"] and row["digital_topics"] for row in workshops)
    assert any(not p["present"] for row in workshops for p in row["participants"])
    assert any(row["anonymous_count"] for row in workshops)
    assert all(row["autonomy"] and row["digital_topics"] for row in sessions)
    by_day = Counter(row["date"] for row in sessions)
    last, before = sorted(by_day)[-2:][::-1]
    assert last >= days_ago(4) and by_day[last] >= 3 and by_day[before] >= 3
    month = (await demo_client.get(f"/api/v1/activities?type=collectif&date_from={days_ago(35)}&per_page=100")).json()
    series = Counter((row["series"], row["title"]) for row in month["items"] if row["series"])
    assert any(count >= 2 for count in series.values())
    titles = {row["title"] for row in demo["data"]["activities"]}
    assert {"Premiers pas sur le smartphone", "Sécuriser ses comptes"} <= titles
    referred = await demo_client.get(f"/api/v1/activities?type=individuel&date_from={days_ago(60)}&per_page=100")
    assert any(row["referral"] for row in referred.json()["items"])


async def test_the_bus_has_learners_the_coordinator_sees(demo, demo_client):
    """Learners and sessions at the digital bus, by its mediator: the coordinator sees them, Karim (Carnot) does not."""
    data = demo["data"]
    bus = by_site(data["learners"], BUS)
    assert len(bus) >= 20 and all(row["created_by"] == BUS_ADVISER for row in bus)
    recent = [row for row in by_site(data["activities"], BUS, "site_name") if row["date"] >= days_ago(14)]
    assert any(row["learner"] for row in recent) and {row["adviser"] for row in recent} == {BUS_ADVISER}
    bus_id = recent[0]["site"]
    await as_account(demo_client, COORDINATOR)
    listed = await demo_client.get(f"/api/v1/learners?site={bus_id}")
    assert listed.json()["total"] == len(bus)
    await as_account(demo_client, ADVISER)
    assert (await demo_client.get(f"/api/v1/learners/{bus[0]['id']}")).status_code == 404
    assert (await demo_client.get(f"/api/v1/activities?site={bus_id}")).json()["total"] == 0


async def test_demo_certificates_verify(demo, demo_client, tmp_path):
    """The demo's certificates are real: each code verifies as valid and the stored PDF names its learner."""
    certificates = demo["data"]["certificates"]
    assert len(certificates) >= 3 and not any(row["revoked_at"] for row in certificates)
    names = {row["id"]: row["first_name"] for row in demo["data"]["learners"]}
    await as_account(demo_client, COORDINATOR)
    for row in certificates:
        check = await demo_client.get(f"/verify/{row['code']}", headers={"Accept": "application/json"})
        assert check.json()["status"] == "valid"
        pdf = await demo_client.get(f"/api/v1/certificates/{row['id']}.pdf")
        assert hashlib.sha256(pdf.content).hexdigest() == row["sha256"]
        assert names[row["learner"]] in pdf_text(pdf.content, tmp_path)


async def test_the_funder_report_shows_its_headline(demo, demo_client):
    """With K = 11, the funder's report shows fragility at entry and at the latest assessment in full, and most
    of its cells; among learners assessed twice in the year, each paired count is well above K."""
    await as_account(demo_client, FUNDER_ACCOUNT)
    report = (await demo_client.get("/api/v1/reports/outcomes")).json()
    assert report["small_cell_k"] == 11
    tables = {table["key"]: table for table in report["tables"]}
    for key in ("fragility_entry", "fragility_latest"):
        cells = [cell for row in [*tables[key]["rows"], tables[key]["total"]] for cell in row["cells"]]
        assert all(cell["value"] is not None for cell in cells), key
    whole = [row["cells"][-1] for table in report["tables"] for row in table["rows"]]
    assert sum(cell["value"] is not None for cell in whole) >= 0.75 * len(whole)
    data, since = demo["data"], days_ago(365)
    carnot = {row["id"] for row in by_site(data["learners"], CARNOT)}
    socle, paths = socle_levels(data), defaultdict(list)
    for row in sorted(data["assessments"], key=lambda row: row["assessed_on"]):
        if row["learner"] in carnot and row["assessed_on"] >= since:
            paths[row["learner"]].append(min(socle[row["id"]]) < 3)
    pairs = Counter((path[0], path[-1]) for path in paths.values() if len(path) >= 2)
    entry_fragile, latest_fragile = pairs[True, True] + pairs[True, False], pairs[True, True] + pairs[False, True]
    total = sum(pairs.values())
    assert min(entry_fragile, total - entry_fragile, latest_fragile, total - latest_fragile) >= 20
    assert latest_fragile < entry_fragile


async def test_every_role_has_something_to_see_today(demo, demo_client):
    """What each role's first screen draws on is there: learners due for a reassessment, Pass about to expire, used
    Pass to claim and an open claim, attendance counted on the last weeks' opening days."""
    data, today = demo["data"], paris_today()
    last = {}
    for row in sorted(data["assessments"], key=lambda row: row["assessed_on"]):
        last[row["learner"]] = row
    socle = socle_levels(data)
    due = [row for row in last.values() if row["assessed_on"] < days_ago(90) or min(socle[row["id"]]) < 3]
    assert len(due) >= 10
    schemes = {row["id"]: row for row in data["schemes"]}
    soon = (today + timedelta(days=30)).isoformat()
    expiring = [v for v in data["vouchers"] if v["status"] == "issued" and schemes[v["scheme"]]["valid_until"] <= soon]
    assert expiring and all(row["learner"] for row in expiring)
    assert any(row["status"] == "redeemed" and row["claim"] is None for row in data["vouchers"])
    assert any(row["status"] == "open" for row in data["claims"])
    await as_account(demo_client, COORDINATOR)
    carnot = by_site(data["activities"], CARNOT, "site_name")[0]["site"]
    days = (await demo_client.get(f"/api/v1/attendance/{carnot}")).json()
    assert sum(1 for day in days if day["open"] and day["visitors"] > day["activities"]) >= 15
    assert "mediatrice.bus@demo.inclusion.test" in demo["output"]


def test_demo_has_booklets_and_realistic_redemptions(demo):
    """The two schemes, booklets from several prescribers at both sites, about 40 % of the handed vouchers used for
    sessions their learner attended while valid, a claim, and a history for every move."""
    data = demo["data"]
    schemes = {row["id"]: row for row in data["schemes"]}
    assert {(row["name"], row["face_value_cents"]) for row in schemes.values()} == {
        ("Pass numérique", 1000),
        ("Chèque numérique départemental", 2000),
    }
    assert len({row["prescriber_type"] for row in data["booklets"]}) >= 4
    assert {row["site_name"] for row in data["booklets"]} == {CARNOT, BUS}
    accepted = {(row["scheme"], row["site"]) for row in data["scheme_sites"]}
    vouchers = data["vouchers"]
    handed = [v for v in vouchers if v["learner"] is not None]
    used = [v for v in handed if v["status"] in ("redeemed", "claimed", "reimbursed")]
    assert len(handed) >= 30 and 0.35 <= len(used) / len(handed) <= 0.45
    activities = {row["id"]: row for row in data["activities"]}
    assert len({v["activity"] for v in used}) == len(used)
    for voucher in used:
        activity = activities[voucher["activity"]]
        scheme = schemes[voucher["scheme"]]
        last_valid = date.fromisoformat(scheme["valid_until"]) + timedelta(days=scheme["tolerance_days"])
        assert activity["learner"] == voucher["learner"]
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


async def test_demo_leaves_a_funder_account_that_already_has_a_funder(client):
    """On an older database whose funder account already belongs to a funder, the demo runs and keeps it there."""
    assert await seed_demo() > 2000
    account = await User.select(User.id).where(User.email == FUNDER_ACCOUNT).first()
    await FunderUser.delete(force=True)
    await Grant.delete(force=True)
    await Funder.delete(force=True)
    own = Funder(name="Financeur existant", type="autre")
    await own.save()
    await FunderUser.insert(FunderUser(funder=own.id, user=account["id"]))
    assert await seed_demo() == 2  # the prefecture and its grant, without the account
    assert await seed_demo() == 0
    assert await FunderUser.select(FunderUser.funder).where(FunderUser.user == account["id"]) == [{"funder": own.id}]


def test_demo_has_learners_opinions_on_part_of_its_activities(demo):
    """About 40 % of the last six months' workshops and 25 % of their sessions were asked; each offer's answers are
    as many answer rows of its site and month; mostly satisfied, some not; a few comments, naming no learner."""
    data, since = demo["data"], days_ago(183)
    activities = {row["id"]: row for row in data["activities"]}
    offers, answers = data["feedback_offers"], data["feedback_answers"]
    counted, rows = Counter(), Counter((row["site"], row["month"], row["activity_type"]) for row in answers)
    for offer in offers:
        activity = activities[offer["activity"]]
        assert (activity["site"], activity["date"][:7] + "-01", activity["type"]) == (
            offer["site"], offer["month"], offer["activity_type"])  # fmt: skip
        assert activity["date"] >= since and offer["answers"] <= offer["participants"]
        counted[offer["site"], offer["month"], offer["activity_type"]] += offer["answers"]
    assert counted == +rows and len(answers) > 300
    recent = [row for row in activities.values() if since <= row["date"] <= paris_today().isoformat()]
    for kind, share in (("collectif", 0.40), ("individuel", 0.25)):
        asked = sum(1 for offer in offers if offer["activity_type"] == kind)
        assert abs(asked / sum(1 for row in recent if row["type"] == kind) - share) < 0.1, kind
    satisfied = sum(row["satisfied"] for row in answers) / len(answers)
    assert 0.75 < satisfied < 0.95 and 0.6 < sum(row["at_ease"] for row in answers) / len(answers) < 0.9
    comments = {row["comment"] for row in answers if row["comment"]}
    names = {row["first_name"] for row in data["learners"]}
    assert len(comments) >= 6 and not any(name in comment.split() for comment in comments for name in names)
    assert all(set(row["answers"]) == {"satisfaction", "besoin", "aisance"} for row in answers)


async def test_the_report_says_how_the_help_went(demo, demo_client):
    """The funder's synthèse has its line on the quality of the service, with figures; the coordinator's dashboard
    shows the comments, the funder's does not."""
    await as_account(demo_client, FUNDER_ACCOUNT)
    line = (await demo_client.get("/api/v1/reports/outcomes")).json()["service_quality"]
    assert " avis sur " in line and "satisfaites ou très satisfaites [" in line, line
    assert 'id="detail-comments"' not in (await demo_client.get("/reports/outcomes")).text
    await as_account(demo_client, COORDINATOR)
    assert 'id="detail-comments"' in (await demo_client.get("/reports/outcomes")).text
