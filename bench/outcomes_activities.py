"""Seeded activities of one site for `outcomes_data.py`: sessions, workshops, their topics and participants, and the
site's attendance days. Rows follow the app's rules (`inclusion/activities/rules.py`): a session names a learner or an
anonymous person, never both; every activity has a digital topic; a workshop has a title, at least one participant,
distinct participants and anonymous counts whose breakdowns add up; every named learner is a file of the site seen
between its first visit and last contact, so moving last-contact dates, as recording does, would change nothing.
"""

from __future__ import annotations

import json
from datetime import time

from outcomes_people import HISTORY_DAYS, Calendar, SitePlan, growth, pick, weighted

from inclusion.vocabulary import DIGITAL_TOPIC_LABELS

ACTIVITY_COLUMNS = ("id", "site", "type", "date", "start_time", "duration_minutes", "place", "devices", "adviser",
                    "learner", "person_age_band", "person_gender", "person_status", "autonomy", "referral_type",
                    "referral_name", "title", "level", "anonymous_count", "anonymous_breakdown", "created_at",
                    "updated_at")  # note, referral_note and series keep their default ''  # fmt: skip
TOPIC_COLUMNS = ("id", "activity", "kind", "topic")
PARTICIPANT_COLUMNS = ("id", "activity", "learner", "present")
SITE_DAY_COLUMNS = ("id", "site", "day", "open", "visitors", "note")
WORKSHOP_SHARE = 0.3
ATTENDANCE_DAYS = 730  # site_day rows cover the last two years
DIGITAL = weighted((("prendre_en_main_du_materiel", 14), ("navigation_sur_internet", 14), ("email", 12),
                    ("aide_aux_demarches_administratives", 16), ("securite_numerique", 8), ("bureautique", 6),
                    ("gere_ses_contenus_numeriques", 7), ("reseaux_sociaux", 5), ("sante", 5),
                    ("banque_et_achats_en_ligne", 4), ("insertion_professionnelle", 5), ("diagnostic_numerique", 4),
                    ("maintenance_de_materiel", 2), ("parentalite", 1), ("scolarite_et_numerique", 2),
                    ("creer_avec_le_numerique", 1), ("culture_numerique", 2), ("intelligence_artificielle", 1),
                    ("entrepreneuriat", 1)))  # fmt: skip
ADMIN = weighted((("social_sante", 20), ("argent_impots", 16), ("travail_formation", 14), ("logement", 10),
                  ("papiers_elections_citoyennete", 14), ("famille_scolarite", 8), ("transports_mobilite", 6),
                  ("etrangers_europe", 6), ("justice", 2), ("loisirs_sports_culture", 2),
                  ("associations", 2)))  # fmt: skip
BANDS = weighted((("douze_dix_huit", 4), ("dix_huit_vingt_quatre", 8), ("vingt_cinq_trente_neuf", 16),
                  ("quarante_cinquante_neuf", 26), ("soixante_soixante_neuf", 22), ("soixante_dix_plus", 20),
                  ("non_communique", 4)))  # fmt: skip
GENDERS = weighted((("feminin", 58), ("masculin", 38), ("non_communique", 4)))
STATUSES = weighted(
    (("retraite", 40), ("sans_emploi", 25), ("en_emploi", 20), ("scolarise", 5), ("non_communique", 10))
)
PLACES = weighted((("lieu_activite", 85), ("domicile", 5), ("a_distance", 7), ("autre", 3)))
DEVICES = weighted(((None, 15), ("ordinateur", 40), ("telephone", 30), ("tablette", 8), ("autre", 2), ("aucun", 5)))
AUTONOMY = weighted(((None, 15), ("entierement_accompagne", 35), ("partiellement_autonome", 35), ("autonome", 15)))
REFERRALS = weighted((("administration", 30), ("operateur_ou_organisme_en_charge", 20), ("aide_sociale", 15),
                      ("insertion_professionnelle", 10), ("mediation_numerique", 10),
                      ("aide_aux_demarches_administratives", 10), ("autre", 5)))  # fmt: skip
LEVELS = weighted(((None, 20), ("debutant", 50), ("intermediaire", 25), ("avance", 5)))
SESSION_MINUTES = (15, 20, 30, 30, 30, 45, 45, 60, 60, 90)
WORKSHOP_MINUTES = (60, 90, 90, 120, 120, 120, 150, 180)


def _listed(device: str | None) -> str:
    """The devices column: a JSON list of the one device drawn, or an empty one."""
    return json.dumps([device] if device else [])


class Activities:
    """Appends one site's rows at a time to row lists; keeps the running ids."""

    def __init__(self, calendar: Calendar, first_id: int = 1, step: int = 1) -> None:
        self.calendar = calendar
        self.activity_id = self.topic_id = self.participant_id = self.site_day_id = first_id  # the next ids
        self.step = step  # ids go first_id, first_id + step…: several processes interleave theirs
        self.clock = [time(9 + quarter // 4, 15 * (quarter % 4)) for quarter in range(32)]  # 09:00 … 16:45

    def site(self, site: SitePlan, spans: list[tuple[int, int]], rng, activities, topics, participants):
        """Sessions (≈ 70 %), then workshops in date order, each with 3–10 learners seen around that day;
        yields every few thousand rows so the caller can flush."""
        cal = self.calendar
        workshops = round(site.activities * WORKSHOP_SHARE)
        for count in range(site.activities - workshops):
            self._session(site, spans, rng, activities, topics)
            if count % 2000 == 1999:
                yield
        days = sorted(self._weekday(rng, cal.start + int(growth(rng) * HISTORY_DAYS)) for _ in range(workshops))
        active: list[int] = []  # learners whose first visit is past; pruned when drawn after their last contact
        upto = 0
        for count, day in enumerate(days):
            if count % 1000 == 999:
                yield
            while upto < len(spans) and spans[upto][0] <= day:
                active.append(upto)
                upto += 1
            chosen: set[int] = set()
            wanted, tries = 3 + int(rng.random() * 8), 0
            while active and len(chosen) < wanted and tries < 4 * wanted:
                tries += 1
                slot = int(rng.random() * len(active))
                if spans[active[slot]][1] < day:
                    active[slot] = active[-1]
                    active.pop()
                else:
                    chosen.add(active[slot])
            named = [site.first_learner + index for index in sorted(chosen)]
            self._workshop(site, day, named, rng, activities, topics, participants)

    def _weekday(self, rng, day: int, low: int | None = None, high: int | None = None) -> int:
        """Sundays, and most Saturdays, move to a weekday of the week after (or before), inside [low, high]."""
        weekday = (day - 1) % 7
        if weekday < 5 or (weekday == 5 and rng.random() < 0.4):
            return day
        low = self.calendar.start if low is None else low
        high = self.calendar.today if high is None else high
        shift = 7 - weekday + int(rng.random() * 5)  # Monday to Friday after
        return day + shift if day + shift <= high else day + shift - 7 if day + shift - 7 >= low else day

    def _head(self, site: SitePlan, day: int, random_) -> tuple:
        """id, start time, place, adviser and the creation stamp, shared by both kinds."""
        activity_id = self.activity_id
        self.activity_id += self.step
        start = None if random_() < 0.3 else self.clock[int(random_() * 32)]
        stamp = self.calendar.stamp(day, (start.hour if start else 17) + 2)
        adviser = site.advisers[int(random_() * len(site.advisers))]
        place = "lieu_activite" if site.kind == "bus_itinerant" else PLACES[int(random_() * len(PLACES))]
        return activity_id, start, place, adviser, stamp

    def _session(self, site: SitePlan, spans, rng, rows, topics) -> None:
        cal, random_ = self.calendar, rng.random
        if spans and random_() < 0.65:  # a learner with a file, on a day between first visit and last contact
            index = int(random_() * len(spans))
            first, last = spans[index]
            day = self._weekday(rng, first + int(random_() * (last - first + 1)), first, last)
            learner, band, gender, status = site.first_learner + index, None, None, None
        else:
            day = self._weekday(rng, cal.start + int(growth(rng) * HISTORY_DAYS))
            learner = None
            band, gender, status = pick(rng, BANDS), pick(rng, GENDERS), pick(rng, STATUSES)
        activity_id, start, place, adviser, stamp = self._head(site, day, random_)
        referral, referral_name = (pick(rng, REFERRALS), "") if random_() < 0.12 else (None, "")
        if referral == "operateur_ou_organisme_en_charge":
            referral_name = pick(rng, ("CAF", "CPAM", "France Travail", "Impôts", "ANTS", "MSA"))
        minutes = SESSION_MINUTES[int(random_() * len(SESSION_MINUTES))]
        device, autonomy = DEVICES[int(random_() * len(DEVICES))], AUTONOMY[int(random_() * len(AUTONOMY))]
        rows.append((activity_id, site.id, "individuel", cal.day(day), start, minutes, place, _listed(device), adviser,
                     learner, band, gender, status, autonomy, referral, referral_name, "", None, 0, "{}", stamp,
                     stamp))  # fmt: skip
        self._topics(activity_id, rng, topics, random_() < 0.45)

    def _workshop(self, site: SitePlan, day: int, named: list[int], rng, rows, topics, participants) -> None:
        activity_id, start, place, adviser, stamp = self._head(site, day, rng.random)
        participant_id, random_ = self.participant_id, rng.random
        for learner_id in named:
            participants.append((participant_id, activity_id, learner_id, random_() < 0.9))
            participant_id += self.step
        self.participant_id = participant_id
        anonymous = 0 if rng.random() < 0.5 else 1 + int(rng.random() * 6)
        breakdown: dict[str, dict[str, int]] = {}
        for name, table, share in (
            ("age_band", BANDS, 0.6),
            ("gender", GENDERS, 0.8),
            ("social_status", STATUSES, 0.3),
        ):
            if anonymous and rng.random() < share:
                counts = breakdown[name] = {}
                for value in (pick(rng, table) for _ in range(anonymous)):
                    counts[value] = counts.get(value, 0) + 1
        anonymous = anonymous or (0 if named else 1)  # a workshop has someone (no draw: the data stay the same)
        first_topic = self._topics(activity_id, rng, topics, False)
        title = f"Atelier « {DIGITAL_TOPIC_LABELS[first_topic]} »"
        device = "ordinateur" if rng.random() < 0.6 else None
        rows.append((activity_id, site.id, "collectif", self.calendar.day(day), start, pick(rng, WORKSHOP_MINUTES),
                     place, _listed(device), adviser, None, None, None, None, None, None, "", title, pick(rng, LEVELS),
                     anonymous, json.dumps(breakdown, separators=(",", ":")), stamp, stamp))  # fmt: skip

    def _topics(self, activity_id: int, rng, topics, admin: bool) -> str:
        """1–3 distinct digital topics; with `admin`, help with procedures plus 1–2 administrative topics."""
        random_, topic_id = rng.random, self.topic_id
        first = DIGITAL[int(random_() * len(DIGITAL))]
        chosen = [first]
        draw = random_()
        if draw > 0.5:  # a second topic (half the time), a third (one time in six)
            for _ in range(2 if draw > 0.83 else 1):
                topic = DIGITAL[int(random_() * len(DIGITAL))]
                if topic not in chosen:
                    chosen.append(topic)
        if admin and "aide_aux_demarches_administratives" not in chosen:
            chosen.append("aide_aux_demarches_administratives")
        for topic in chosen:
            topics.append((topic_id, activity_id, "digital", topic))
            topic_id += self.step
        if admin:
            topic = ADMIN[int(random_() * len(ADMIN))]
            topics.append((topic_id, activity_id, "admin", topic))
            topic_id += self.step
            if random_() < 0.33 and (other := ADMIN[int(random_() * len(ADMIN))]) != topic:
                topics.append((topic_id, activity_id, "admin", other))
                topic_id += self.step
        self.topic_id = topic_id
        return first

    def site_days(self, site: SitePlan, rng, rows) -> None:
        """The last two years: most opening days recorded (Saturday too at some sites), a few closed days."""
        cal = self.calendar
        saturday = site.kind in ("france_services", "mediatheque") and rng.random() < 0.4
        daily = 2 + site.learners / 60
        for day in range(cal.today - ATTENDANCE_DAYS + 1, cal.today + 1):
            weekday = (day - 1) % 7
            if weekday == 6 or (weekday == 5 and not saturday) or rng.random() < 0.08:
                continue
            is_open = rng.random() < 0.97
            visitors = int(daily * (0.4 + 1.2 * rng.random())) if is_open else 0
            rows.append((self.site_day_id, site.id, cal.day(day), is_open, min(visitors, 10000), ""))
            self.site_day_id += self.step
