"""The report's "Qualité du service rendu": people asked, answers, satisfied and more at ease per site and month,
equal to a recount of the feedback tables, hidden from funders and share links like every other count (no
published sum gives a hidden cell away), exact for the sites' staff; and the synthèse's line says no more."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from fractions import Fraction

from inclusion.reports import figures, quality
from inclusion.reports.assemble import Columns
from inclusion.reports.grid import Privacy, publish
from inclusion.reports.suppression import determined
from inclusion.storage.tables.feedback import FeedbackAnswer, FeedbackForm, FeedbackOffer

PERIOD = "from=2025-01-01&to=2025-12-31"
MEASURES = {  # table → (first row, second row, total) as in the report
    "feedback_response": ("answers", "unanswered", "asked"),
    "feedback_satisfaction": ("satisfied", "unsatisfied", "answers"),
    "feedback_at_ease": ("at_ease", "not_at_ease", "answers"),
}


async def give(site: int, month: date, participants: int, answers: list[tuple[bool, bool]], comment: str = "") -> None:
    """One offer of `participants` people and its answers (satisfied, at ease); the first answer carries `comment`."""
    form = await FeedbackForm.select(FeedbackForm.id).first()
    await FeedbackOffer.insert(FeedbackOffer(site=site, month=month, activity_type="collectif",
                                             participants=participants, answers=len(answers))).run()  # fmt: skip
    rows = [
        FeedbackAnswer(
            form=form["id"],
            site=site,
            month=month,
            activity_type="collectif",
            channel="qr",
            answers={"satisfaction": "satisfait" if satisfied else "pas_satisfait"},
            satisfied=satisfied,
            needs_met="oui",
            at_ease=at_ease,
            comment=comment if index == 0 else "",
        )  # fmt: skip
        for index, (satisfied, at_ease) in enumerate(answers)
    ]
    if rows:
        await FeedbackAnswer.insert(*rows).run()


async def random_feedback(site: int, rng: random.Random, offers: int, months=range(1, 13), year: int = 2025):
    for _ in range(offers):
        people = rng.randint(1, 12)
        answered = rng.randint(0, people + 1)  # one more than asked now and then: people asked counts it
        answers = [(rng.random() < 0.8, rng.random() < 0.65) for _ in range(answered)]
        await give(site, date(year, rng.choice(list(months)), 1), people, answers)


async def recount(site_ids: list[int]) -> dict[tuple[str, str], list[int]]:
    """(measure, "AAAA-MM" or "total") → one count per site then the whole set, straight from the tables."""
    found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * (len(site_ids) + 1))
    for offer in await FeedbackOffer.select():
        if offer["site"] in site_ids and offer["month"].year == 2025:
            column = site_ids.index(offer["site"])
            for month in (offer["month"].isoformat()[:7], "total"):
                for index in (column, -1):
                    found["asked", month][index] += max(offer["participants"], offer["answers"])
    for answer in await FeedbackAnswer.select():
        if answer["site"] in site_ids and answer["month"].year == 2025:
            column = site_ids.index(answer["site"])
            for month in (answer["month"].isoformat()[:7], "total"):
                for index in (column, -1):
                    found["answers", month][index] += 1
                    found["satisfied", month][index] += answer["satisfied"]
                    found["at_ease", month][index] += answer["at_ease"]
    for month in {month for _, month in found}:
        for measure, part, rest in (("unanswered", "answers", "asked"), ("unsatisfied", "satisfied", "answers"),
                                    ("not_at_ease", "at_ease", "answers")):  # fmt: skip
            found[measure, month] = [b - a for a, b in zip(found[part, month], found[rest, month], strict=True)]
    return found


def published(report: dict) -> dict[tuple[str, str], list[dict]]:
    """(measure, month or "total") → the published cells, from every feedback table (a count printed twice is
    the same cell: the two prints must agree)."""
    cells: dict[tuple[str, str], list[dict]] = {}
    for table in report["tables"]:
        name, _, month = table["key"].partition(":")
        if name in MEASURES:
            for measure, row in zip(MEASURES[name], [*table["rows"], table["total"]], strict=True):
                assert cells.setdefault((measure, month or "total"), row["cells"]) == row["cells"], table["key"]
    return cells


def feedback_rates(report: dict) -> dict[str, list[dict]]:
    return {table["key"]: table["rate"]["cells"] for table in report["tables"] if table["section"] == "quality"}


async def two_sites(make) -> tuple[int, int]:
    small, large = await make.site("Petit site"), await make.site("Grand site")
    rng = random.Random(26)
    await random_feedback(large, rng, 40)
    await random_feedback(small, rng, 3, months=(3, 7))
    await random_feedback(large, rng, 4, year=2024)  # outside the period: never counted
    return small, large


async def test_figures_equal_a_recount_of_the_tables(client, make):
    """As an administrator (exact), every count per site and month and in total equals the tables, and every rate
    is the exact fraction with its Wilson interval; answers beyond the participants count as people asked."""
    small, large = await two_sites(make)
    headers = await make.bearer(await make.user("admin"))
    report = (await client.get(f"/api/v1/reports/outcomes?site={small}&site={large}&{PERIOD}", headers=headers)).json()
    assert report["restricted"] and [site["name"] for site in report["sites"]] == ["Grand site", "Petit site"]
    truth, cells = await recount([large, small]), published(report)
    assert {key: [cell["value"] for cell in found] for key, found in cells.items()} == {
        key: truth[key] for key in cells
    }
    assert {month for _, month in cells} == {month for _, month in truth} and len(cells) == 7 * 13
    for key, rates in feedback_rates(report).items():
        name, _, month = key.partition(":")
        part, _, total = MEASURES[name]
        for index, rate in enumerate(rates):
            counted, whole = truth[part, month or "total"][index], truth[total, month or "total"][index]
            assert rate == (figures.rate(counted, whole, True) if whole else rate | {"display": "—"}), key
    answers, asked = truth["answers", "total"][-1], truth["asked", "total"][-1]
    satisfied, at_ease = (figures.rate(truth[key, "total"][-1], answers, True)["display"].split(" [")
                          for key in ("satisfied", "at_ease"))  # fmt: skip
    assert report["service_quality"] == (
        f"{answers} avis sur {asked} personnes sollicitées ({figures.percent(Fraction(answers, asked))}) : "
        f"{satisfied[0]} satisfaites ou très satisfaites [{satisfied[1]}, "
        f"{at_ease[0]} plus à l'aise pour faire seules [{at_ease[1]}."
    )


def lines(cells: dict[tuple[str, str], list[dict]]) -> list[list[tuple[str, str, int]]]:
    """Every published sum: parts then the sum, as (measure, month, column)."""
    months = sorted({month for _, month in cells} - {"total"})
    width = len(next(iter(cells.values())))
    found = []
    for month in [*months, "total"]:
        for column in range(width):
            for parts in MEASURES.values():
                found.append([(measure, month, column) for measure in parts])
    for measure in {measure for measure, _ in cells}:
        for month in [*months, "total"]:
            found.append([(measure, month, column) for column in range(width)])
        for column in range(width):
            found.append([(measure, month, column) for month in [*months, "total"]])
    return found


async def test_a_funder_gets_small_cells_hidden_and_no_sum_gives_one_away(client, make):
    """For a funder, every count below 11 reads "s", each shown count is true, no published sum (months to the
    period, sites to the whole set, answers to people asked, satisfied to answers) recomputes a hidden cell, alone
    or solved together, and a hidden rate says only a true bound."""
    small, large = await two_sites(make)
    query = f"site={small}&site={large}&{PERIOD}"
    admin = await make.bearer(await make.user("admin"))
    exact = published((await client.get(f"/api/v1/reports/outcomes?{query}", headers=admin)).json())
    funder = await make.bearer(await make.user("funder", small, large))
    report = (await client.get(f"/api/v1/reports/outcomes?{query}", headers=funder)).json()
    assert not report["restricted"]
    cells = published(report)
    keys = [(measure, month, column) for (measure, month), row in cells.items() for column in range(len(row))]
    hidden = {key for key in keys if cells[key[:2]][key[2]]["value"] is None}
    assert len(hidden) > 20 and all(cells[key[:2]][key[2]]["display"] == "s" for key in hidden)
    for measure, month, column in set(keys) - hidden:
        assert cells[measure, month][column]["value"] == exact[measure, month][column]["value"] >= 11
    assert all(key in hidden for key in keys if exact[key[:2]][key[2]]["value"] < 11)
    number = {key: index for index, key in enumerate(keys)}
    system = [[number[key] for key in line] for line in lines(cells)]
    assert all(sum(key in hidden for key in line) != 1 for line in lines(cells))
    assert determined([key in hidden for key in keys], system) == []
    for key, rates in feedback_rates(report).items():
        name, _, month = key.partition(":")
        part, _, total = MEASURES[name]
        for column, rate in enumerate(rates):
            if rate["value"] is None and rate["display"] not in ("s", "—"):
                true = Fraction(exact[part, month or "total"][column]["value"],
                                exact[total, month or "total"][column]["value"])  # fmt: skip
                assert rate["at_least"] is None or rate["at_least"] <= true
                assert rate["at_most"] is None or true <= rate["at_most"]
    assert (
        report["service_quality"]
        == (await client.get(f"/api/v1/reports/outcomes?{query}", headers=funder)).json()["service_quality"]
    )


async def test_staff_see_exact_figures_and_a_share_link_sees_the_funders(client, make):
    """The coordinator of both sites reads exact figures ("diffusion restreinte"); the link they share shows the
    same cells as the funder of those sites, in the CSV the link downloads."""
    small, large = await two_sites(make)
    query = f"site={small}&site={large}&{PERIOD}"
    coordinator = await make.user("coordinator", small, large)
    staff = await make.bearer(coordinator)
    report = (await client.get(f"/api/v1/reports/outcomes?{query}", headers=staff)).json()
    truth = await recount([large, small])
    assert report["restricted"] and all(
        [cell["value"] for cell in row] == truth[key] for key, row in published(report).items()
    )
    shared = await client.post(
        "/api/v1/reports/outcomes/shares",
        json={"sites": [small, large], "from": "2025-01-01", "to": "2025-12-31"},
        headers=staff,
    )
    assert shared.status_code == 201, shared.text
    url = shared.json()["url"]
    link = url[url.index("/shared/") :]
    funder = await make.bearer(await make.user("funder", small, large))
    as_funder = await client.get(f"/api/v1/reports/outcomes.csv?{query}", headers=funder)
    as_link = await client.get(f"{link}.csv")
    assert as_link.status_code == 200, as_link.text

    def quality_lines(body: str) -> list[str]:
        return [line for line in body.splitlines() if "Qualité du service rendu" in line]

    assert quality_lines(as_link.text) == quality_lines(as_funder.text)
    assert len(quality_lines(as_link.text)) > 60 and ";s;" in "".join(quality_lines(as_link.text))


async def test_the_synthese_line_says_so_when_nothing_can_be_said(client, make):
    """Nobody asked: staff read that no opinion was asked; a funder facing a small site reads that the figures are
    too few to publish; one answer out of 20 people asked reads plainly for the staff."""
    site = await make.site("Espace Jaurès")
    staff = await make.bearer(await make.user("coordinator", site))
    funder = await make.bearer(await make.user("funder", site))

    async def line(headers) -> str:
        return (await client.get(f"/api/v1/reports/outcomes?{PERIOD}", headers=headers)).json()["service_quality"]

    assert await line(staff) == "Aucun avis n'a été demandé aux personnes accompagnées dans la période."
    await give(site, date(2025, 4, 1), 20, [(True, False)])
    assert await line(staff) == (
        "1 avis sur 20 personnes sollicitées (5,0 %) : 100,0 % satisfaites ou très satisfaites [20,7 – 100,0], "
        "0,0 % plus à l'aise pour faire seules [0,0 – 79,3]."
    )
    assert await line(funder) == (
        "20 personnes sollicitées pour donner leur avis ; trop peu de réponses pour les publier sans risquer de "
        "reconnaître les personnes (secret statistique, « s »)."
    )


async def test_a_month_counts_when_the_days_counted_cover_it(client, make):
    """An answer has only its month: a period starting mid-month leaves that month out, the period's last month
    counts, and a funder's grant ending mid-month leaves that month out."""
    site = await make.site("Espace Jaurès")
    for month in (1, 2, 3, 4, 5):
        await give(site, date(2025, month, 1), 12, [(True, True)] * 12)
    staff = await make.bearer(await make.user("adviser", site))
    user = await make.user("funder")
    await make.funder([(site, date(2025, 1, 1), date(2025, 4, 20))], user["id"])
    funder = await make.bearer(user)

    async def months(headers, period: str) -> list[str]:
        body = (await client.get(f"/api/v1/reports/outcomes?{period}", headers=headers)).json()
        return [table["key"][-7:] for table in body["tables"] if table["key"].startswith("feedback_response:")]

    assert await months(staff, "from=2025-01-15&to=2025-04-10") == ["2025-02", "2025-03", "2025-04"]
    assert await months(funder, "from=2025-01-01&to=2025-05-31") == ["2025-01", "2025-02", "2025-03"]


def test_both_ways_of_hiding_leave_no_hidden_count_recoverable():
    """On random small networks, counts hidden one by one (up to 200 sites) or by (month, site) block (beyond):
    every count below 11 is hidden, and no published sum, alone or solved with the others, gives one away."""
    rng = random.Random(7)
    for case in range(80):
        sites = list(range(1, rng.randint(2, 5) + 1))
        rows = []
        for site in sites:
            for month in rng.sample(range(1, 7), rng.randint(1, 5)):
                asked = rng.randint(0, 40)
                answers = rng.randint(0, asked)
                rows.append({"site": site, "month": f"2025-{month:02d}", "asked": asked, "answers": answers,
                             "satisfied": rng.randint(0, answers), "at_ease": rng.randint(0, answers)})  # fmt: skip
        for by_block in (False, True):
            grids = quality.grids(Columns(sites), rows)
            grids[0].group.by_block = by_block
            cells = published({"tables": [publish(grid, Privacy(11)) for grid in grids]})
            keys = [(measure, month, column) for (measure, month), row in cells.items() for column in range(len(row))]
            hidden = {key for key in keys if cells[key[:2]][key[2]]["value"] is None}
            number = {key: index for index, key in enumerate(keys)}
            system = [[number[key] for key in line] for line in lines(cells)]
            assert determined([key in hidden for key in keys], system) == [], (case, by_block)
            assert all(sum(key in hidden for key in line) != 1 for line in lines(cells)), (case, by_block)
            assert all(cells[key[:2]][key[2]]["value"] >= 11 for key in set(keys) - hidden), (case, by_block)
