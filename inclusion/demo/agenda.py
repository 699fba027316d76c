"""A site's planned activities: each learner's sessions (first visit, assessments, follow-ups), walk-ins for a
démarche, and the weekly workshops with named and anonymous participants. Pure planning: nothing is written here.

Every learner comes on their first visit and on each assessment day, then now and then until they stop coming;
the last two opening days up to today are busy. A session never overlaps a workshop or another session."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from inclusion.demo.calendar import open_days, open_on_or_before, token
from inclusion.demo.catalogue import (
    DEMARCHES,
    PARTNERS,
    PROCEDURE_NAMES,
    REFERRALS,
    SESSION_NOTES,
    TOPIC_OF,
    Slot,
    Workshop,
)
from inclusion.demo.learners import PlannedLearner
from inclusion.frameworks.builtin import AUTONOMOUS_LEVEL

EPOCH = date(2001, 1, 1)  # a Monday: weeks are numbered from it, so a workshop's rotation follows the calendar
DAY_STARTS = (9 * 60, 13 * 60 + 30)  # the adviser's half-days, in minutes since midnight
DAY_ENDS = (12 * 60, 17 * 60 + 30)
AGE_BANDS = (("soixante_dix_plus", 30), ("soixante_soixante_neuf", 25), ("quarante_cinquante_neuf", 25),
             ("vingt_cinq_trente_neuf", 15), ("dix_huit_vingt_quatre", 5))  # fmt: skip
STATUS_BY_BAND = {"soixante_dix_plus": "retraite", "soixante_soixante_neuf": "retraite"}


@dataclass(frozen=True)
class SiteAgenda:
    seed: int
    week: tuple[Slot, ...]
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    follow_up: tuple[int, int] = (14, 35)  # days between two sessions of a learner who keeps coming
    walk_ins: float = 0.6  # anonymous sessions per opening day, on average
    busy_days: int = 3  # named sessions at least, on each of the last two opening days
    stops: dict[str, tuple[int, str]] = field(default_factory=dict)  # a bus: INSEE code → weekday, note


@dataclass
class PlannedActivity:
    type: str
    day: date
    start: time
    minutes: int
    digital: list[str]
    admin: list[str] = field(default_factory=list)
    learner: str | None = None  # name key of the learner of an individual session
    person: dict[str, str] | None = None  # an individual session with someone who has no file
    autonomy: str | None = None
    devices: list[str] = field(default_factory=list)
    place: str = "lieu_activite"
    procedure_name: str = ""
    partner: str | None = None
    referral: tuple[str, str, str] | None = None
    note: str = ""
    title: str = ""
    level: str | None = None
    series: str = ""
    participants: list[tuple[str, bool]] = field(default_factory=list)  # name key, present
    anonymous: list[dict[str, str]] = field(default_factory=list)  # one entry per anonymous participant


def _person(rng: random.Random) -> dict[str, str]:
    band = rng.choices([b for b, _ in AGE_BANDS], [w for _, w in AGE_BANDS])[0]
    status = STATUS_BY_BAND.get(band) or rng.choice(("sans_emploi", "sans_emploi", "en_emploi", "non_communique"))
    return {"age_band": band, "gender": rng.choice(("feminin", "feminin", "masculin")), "social_status": status}


def _levels_on(learner: PlannedLearner, day: date) -> dict[str, int]:
    """The learner's levels as last assessed on or before `day` (their first assessment before any)."""
    done = [levels for assessed_on, _, levels in learner.assessments if assessed_on <= day]
    return done[-1] if done else learner.assessments[0][2]


def _active(learner: PlannedLearner, day: date) -> bool:
    return learner.values["first_visit_on"] <= day <= learner.until


class Planner:
    def __init__(self, today: date, learners: list[PlannedLearner], agenda: SiteAgenda, history_days: int) -> None:
        self.today, self.learners, self.agenda = today, learners, agenda
        self.rng = random.Random(agenda.seed)
        self.first = today - timedelta(days=history_days)
        self.taken: dict[date, list[tuple[int, int]]] = defaultdict(list)  # busy minutes per day
        self.by_key = {learner.values["name_key"]: learner for learner in learners}

    def weekdays_of(self, learner: PlannedLearner) -> tuple[int, ...]:
        stop = self.agenda.stops.get(learner.values["insee_code"])
        return (stop[0],) if stop else self.agenda.weekdays

    def free(self, day: date, minutes: int) -> time | None:
        """The first start, on the half hour, where `minutes` fit in a half-day without touching anything else."""
        for opens, closes in zip(DAY_STARTS, DAY_ENDS, strict=True):
            for start in range(opens, closes - minutes + 1, 30):
                if all(start + minutes <= begin or start >= end for begin, end in self.taken[day]):
                    self.taken[day].append((start, start + minutes))
                    return time(start // 60, start % 60)
        return None

    def plan(self) -> list[PlannedActivity]:
        workshops = [activity for slot in self.agenda.week for activity in self.workshops(slot)]
        for activity in workshops:
            start = activity.start.hour * 60 + activity.start.minute
            self.taken[activity.day].append((start, start + activity.minutes))
        return workshops + self.sessions()

    # Workshops

    def workshops(self, slot: Slot) -> list[PlannedActivity]:
        planned: list[PlannedActivity] = []
        roster: list[str] = []
        series, current = "", None
        for day in open_days(self.first, self.today, (slot.weekday,)):
            if ((self.today - day).days // 7) % slot.every:
                continue
            block, position = divmod((day - EPOCH).days // 7, slot.weeks)
            workshop = slot.rotation[block % len(slot.rotation)]
            if workshop.months and day.month not in workshop.months and workshop.otherwise:
                workshop = workshop.otherwise
            if slot.weeks == 1:
                roster = self.pick(workshop, day, day, 3 if workshop.anonymous[0] >= 2 else 4, 8)
            elif block != current:  # a new series: its group is chosen for all its weeks
                series, current = token(self.rng), block
                roster = self.pick(workshop, day, day + timedelta(weeks=slot.weeks - 1 - position), 5, 8)
            present = [(key, self.rng.random() < 0.85 and _active(self.by_key[key], day)) for key in roster]
            anonymous = [_person(self.rng) for _ in range(self.rng.randint(*workshop.anonymous))]
            if not any(state for _, state in present) and not anonymous:
                anonymous = [_person(self.rng) for _ in range(2)]
            planned.append(
                PlannedActivity(
                    "collectif", day, slot.start, slot.minutes, list(workshop.digital), list(workshop.admin),
                    devices=[workshop.device] if workshop.device else [], title=workshop.title, level=workshop.level,
                    series=series,
                    participants=present, anonymous=anonymous,
                )
            )  # fmt: skip
        return planned

    def pick(self, workshop: Workshop, day: date, until: date, least: int, most: int) -> list[str]:
        """Learners at the site on `day` and still coming on `until`, those who need the workshop's competence
        first; as many as the room holds."""
        candidates = [
            learner for learner in self.learners if _active(learner, day) and _active(learner, min(until, self.today))
        ]
        weights = []
        for learner in candidates:
            level = _levels_on(learner, day).get(workshop.competence, AUTONOMOUS_LEVEL)
            weights.append(4 if level < AUTONOMOUS_LEVEL else 1)
        wanted = min(len(candidates), self.rng.randint(least, most))
        chosen: list[str] = []
        while len(chosen) < wanted:
            learner = self.rng.choices(candidates, weights)[0]
            if learner.values["name_key"] not in chosen:
                chosen.append(learner.values["name_key"])
        return chosen

    # Individual sessions

    def sessions(self) -> list[PlannedActivity]:
        wanted: dict[date, list[tuple[int, PlannedLearner | None]]] = defaultdict(list)
        for learner in self.learners:
            contacts = {learner.values["first_visit_on"]} | {day for day, _, _ in learner.assessments}
            for day in contacts:
                wanted[day].append((0, learner))
            day = learner.values["first_visit_on"]
            while (day := day + timedelta(days=self.rng.randint(*self.agenda.follow_up))) <= learner.until:
                snapped = open_on_or_before(day, self.weekdays_of(learner))
                if snapped not in contacts and snapped > learner.values["first_visit_on"]:
                    contacts.add(snapped)
                    wanted[snapped].append((1, learner))
        self._busy_days(wanted)
        for day in open_days(self.first, self.today, self.agenda.weekdays):
            for _ in range(int(self.agenda.walk_ins) + (self.rng.random() < self.agenda.walk_ins % 1)):
                wanted[day].append((2, None))
        planned = []
        for day in sorted(wanted):
            room = sum(end - start for start, end in zip(DAY_STARTS, DAY_ENDS, strict=True))
            room -= sum(end - start for start, end in self.taken[day])
            longest = max(20, room // len(wanted[day]) // 15 * 15)  # a full day has shorter sessions
            for _, learner in sorted(wanted[day], key=lambda item: item[0]):
                activity = self.session(day, learner, longest) if learner else self.walk_in(day)
                if activity is not None:
                    planned.append(activity)
        return planned

    def _busy_days(self, wanted: dict[date, list[tuple[int, PlannedLearner | None]]]) -> None:
        """The last two opening days up to today have at least `busy_days` sessions with a learner."""
        day = open_on_or_before(self.today, self.agenda.weekdays)
        for _ in range(2):
            there = {learner.values["name_key"] for _, learner in wanted[day] if learner}
            around = [
                learner
                for learner in self.learners
                if _active(learner, day) and learner.values["name_key"] not in there
            ]
            around = [learner for learner in around if day.weekday() in self.weekdays_of(learner)]
            missing = max(0, self.agenda.busy_days - len(there))
            for learner in self.rng.sample(around, min(missing, len(around))):
                wanted[day].append((1, learner))
            day = open_on_or_before(day - timedelta(days=1), self.agenda.weekdays)

    def session(self, day: date, learner: PlannedLearner, longest: int) -> PlannedActivity | None:
        wished = min(longest, self.rng.choice((30, 45, 45, 60, 60, 90)))
        for minutes in [length for length in (90, 60, 45, 30, 20) if length <= wished]:  # shorter on a full day
            if start := self.free(day, minutes):
                break
        else:
            return None
        first = day == learner.values["first_visit_on"]
        levels = _levels_on(learner, day)
        needs = [code for code, level in levels.items() if level < AUTONOMOUS_LEVEL] or list(levels)
        code = self.rng.choice(needs)
        digital = ["diagnostic_numerique"] if first else []
        digital += [TOPIC_OF[code]] if TOPIC_OF[code] not in digital else []
        activity = PlannedActivity("individuel", day, start, minutes, digital, learner=learner.values["name_key"])
        if code == "demarche" or (first and self.rng.random() < 0.3):
            self.demarche(activity)
        elif self.rng.random() < 0.08:
            activity.note = self.rng.choice(SESSION_NOTES)
        span = max(1, (learner.until - learner.values["first_visit_on"]).days)
        progress = ((day - learner.values["first_visit_on"]).days / span) + (0.4 if learner.profile == "socle" else 0)
        activity.autonomy = self.rng.choices(
            ("entierement_accompagne", "partiellement_autonome", "autonome"),
            (3, 2, 0) if progress < 0.3 else (1, 3, 1) if progress < 0.7 else (0, 2, 3),
        )[0]
        activity.devices = _devices(
            self.rng.choices(("telephone", "ordinateur", "tablette", "aucun"), (45, 40, 10, 5))[0], day, start
        )
        activity.place = self.rng.choices(("lieu_activite", "a_distance", "domicile"), (90, 7, 3))[0]
        if stop := self.agenda.stops.get(learner.values["insee_code"]):
            activity.place, activity.note = "lieu_activite", activity.note or stop[1]
        return activity

    def walk_in(self, day: date) -> PlannedActivity | None:
        minutes = self.rng.choice((20, 30, 30, 45))
        start = self.free(day, minutes)
        if start is None:
            return None
        activity = PlannedActivity("individuel", day, start, minutes, ["aide_aux_demarches_administratives"])
        activity.person = _person(self.rng)
        self.demarche(activity)
        activity.autonomy = self.rng.choices(("entierement_accompagne", "partiellement_autonome"), (3, 1))[0]
        activity.devices = _devices(self.rng.choice(("ordinateur", "telephone")), day, start)
        return activity

    def demarche(self, activity: PlannedActivity) -> None:
        """An online procedure done together: its administrative topic, often a note, sometimes a referral."""
        topic, note, _ = self.rng.choices(DEMARCHES, [weight for *_, weight in DEMARCHES])[0]
        if "aide_aux_demarches_administratives" not in activity.digital:
            activity.digital.append("aide_aux_demarches_administratives")
        activity.admin = [topic]
        activity.note = note if self.rng.random() < 0.6 else ""
        activity.procedure_name = PROCEDURE_NAMES[note]
        activity.partner = PARTNERS.get(note)
        if self.rng.random() < 0.15:
            activity.referral = self.rng.choice(REFERRALS)


def _devices(device: str, day: date, start: time) -> list[str]:
    """The device drawn, and for about one session in eight the other one of phone and computer too (drawn from
    its own generator, so the rest of the agenda stays as it was)."""
    other = {"telephone": "ordinateur", "ordinateur": "telephone"}.get(device)
    if other and random.Random(day.toordinal() * 1440 + start.hour * 60 + start.minute).random() < 0.125:
        return [device, other]
    return [device]


def plan_agenda(
    today: date, learners: list[PlannedLearner], agenda: SiteAgenda, history_days: int
) -> list[PlannedActivity]:
    """Every planned activity of a site, workshops first, then sessions day by day."""
    return Planner(today, learners, agenda, history_days).plan()
