"""The adviser's two most frequent tasks, driven in a real browser and counted: a workshop of eight named and
three anonymous participants from the home page, an individual session from a learner's page. Shared by
tests/test_browser.py (the counts must stay under their limits) and bench/adviser_flows.py (counts and time).

Every action goes through `Counted`: a tap (click) or one field filled counts one; picking a learner is one
(type two or three letters, then Enter), as for a person, who then sees the name added before going on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inclusion.learners.names import normalise

WORKSHOP_TOPIC = "navigation_sur_internet"
SESSION_TOPIC = "email"


@dataclass
class Counted:
    """The page, and every action done on it, in order."""

    page: Any
    actions: list[str] = field(default_factory=list)

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        self.actions.append(f"tap {selector}")

    def fill(self, selector: str, text: str) -> None:
        self.page.fill(selector, text)
        self.actions.append(f"fill {selector}")

    def pick(self, selector: str, letters: str, learner_id: int) -> None:
        """Type a few letters in the learner picker and press Enter: the highlighted (first) suggestion is taken."""
        self.page.fill(selector, letters)
        self.page.press(selector, "Enter")
        self.actions.append(f"pick {letters}")
        self.page.locator(f'.picker-chosen li[data-id="{learner_id}"]').wait_for()

    @property
    def count(self) -> int:
        return len(self.actions)


@dataclass
class Pick:
    letters: str
    learner_id: int
    name: str


def find_picks(page: Any, wanted: int) -> list[Pick]:
    """Learners of the adviser's site, each with the 2 or 3 first letters of the last name after which the picker
    suggests that learner first (those chosen before set aside, as the picker does): what an adviser would type."""
    learners = page.request.get("/api/v1/learners?per_page=200").json()["items"]
    picks: list[Pick] = []
    for learner in learners:
        last_name = normalise(learner["last_name"]).replace(" ", "")
        for size in (2, 3):
            letters, exclude = last_name[:size], ",".join(str(pick.learner_id) for pick in picks)
            found = page.request.get(f"/learners/search?q={letters}&exclude={exclude}").json()
            if len(letters) == size and found and found[0]["id"] == learner["id"]:
                picks.append(Pick(letters, learner["id"], found[0]["name"]))
                break
        if len(picks) == wanted:
            return picks
    raise AssertionError(f"only {len(picks)} learners can be picked with 2 or 3 letters")


def record_workshop(page: Any, title: str, picks: list[Pick], anonymous: int) -> Counted:
    """From the home page: Enregistrer un atelier, title, a duration chip, each learner picked, the anonymous count,
    one topic, save; done when the saved notice shows."""
    counted = Counted(page)
    counted.tap("a.home-action:has-text('Enregistrer un atelier')")
    counted.fill("#title", title)
    counted.tap("label[for=duration_90]")
    for pick in picks:
        counted.pick("#participant_q", pick.letters, pick.learner_id)
    counted.fill("#anonymous_count", str(anonymous))
    counted.tap(f"label[for=dt_{WORKSHOP_TOPIC}]")
    counted.tap("button.save")
    page.locator(".notice.success").wait_for()
    return counted


def record_session(page: Any) -> Counted:
    """From a learner's page: Séance, a duration chip, one topic, save; done when the saved notice shows."""
    counted = Counted(page)
    counted.tap(".learner-actions a:has-text('Séance')")
    counted.tap("label[for=duration_30]")
    counted.tap(f"label[for=dt_{SESSION_TOPIC}]")
    counted.tap("button.save")
    page.locator(".notice.success").wait_for()
    return counted
