"""Learners' opinions for the demo (issue 26): for the last months' activities, about 40 % of workshops asked
through their QR code and 25 % of individual sessions on the adviser's phone, with mostly satisfied answers,
some not, and a few plain comments that name nobody.

The rows have the shapes the feedback services write: one offer per activity asked (its participants, its
answers), and as many answers, each with its site, its activity's month and type, the channel and the choices
of the current questionnaire, nothing else. Written in a few INSERTs, like the rest of the demo."""

from __future__ import annotations

import random
from datetime import date, timedelta

import msgspec

from inclusion.demo.learners import insert_rows
from inclusion.storage import sql
from inclusion.storage.tables.feedback import FeedbackForm

ASKED_SINCE_DAYS = 183  # the site started asking six months ago
WORKSHOPS_ASKED, SESSIONS_ASKED = 0.40, 0.25
ANSWER_ON_QR, ANSWER_ON_PHONE = 0.55, 0.9  # a QR code is easy to put aside; a phone handed over, less so
SATISFACTION = {"tres_satisfait": 54, "satisfait": 33, "peu_satisfait": 9, "pas_satisfait": 4}
NEEDS = {True: {"oui": 76, "en_partie": 20, "non": 4}, False: {"oui": 15, "en_partie": 50, "non": 35}}
EASE = {True: {"tout_a_fait": 34, "plutot_oui": 45, "plutot_non": 16, "pas_du_tout": 5},
        False: {"tout_a_fait": 5, "plutot_oui": 25, "plutot_non": 45, "pas_du_tout": 25}}  # fmt: skip
COMMENTED = 0.10
COMMENTS = {
    True: [
        "Merci pour votre patience, j'ai enfin compris comment ouvrir mes mails.",
        "Très bien expliqué, on prend le temps avec nous.",
        "Je sais maintenant payer à la cantine en ligne. Merci !",
        "L'atelier était clair, j'aimerais revenir pour la suite.",
        "Accueil très gentil, je reviendrai pour la déclaration d'impôts.",
        "J'ai pu faire ma demande de carte grise, un grand soulagement.",
        "C'est rassurant de savoir qu'on peut venir ici.",
        "Grâce à vous j'ai retrouvé mon mot de passe Ameli.",
        "Bien pratique d'avoir le bus au marché le mercredi.",
        "J'ai appris à faire une visio avec mes petits-enfants.",
        "On se sent moins bête, merci.",
        "Maintenant je range mes papiers dans l'espace personnel.",
        "Merci, je n'osais pas demander à ma famille.",
        "Très utile pour l'inscription à France Travail.",
    ],
    False: [
        "Un peu trop rapide pour moi, j'ai du mal à suivre.",
        "Il faudrait plus de créneaux, l'attente était longue.",
        "Je n'ai pas pu finir ma démarche, le site de la CAF ne marchait pas.",
        "La salle était trop bruyante pendant l'atelier.",
        "J'aurais voulu plus de temps sur mon téléphone à moi.",
        "Les mots de passe, c'est encore flou pour moi.",
        "Le bus n'est pas venu la semaine dernière, dommage.",
    ],
}
OFFER_COLUMNS = ("activity", "site", "month", "activity_type", "participants", "answers")
ANSWER_COLUMNS = ("form", "site", "month", "activity_type", "channel", "answers", "satisfied", "needs_met",
                  "at_ease", "comment")  # fmt: skip


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _answer(rng: random.Random) -> dict:
    satisfaction = _pick(rng, SATISFACTION)
    satisfied = satisfaction in ("tres_satisfait", "satisfait")
    needs, ease = _pick(rng, NEEDS[satisfied]), _pick(rng, EASE[satisfied])
    comment = rng.choice(COMMENTS[satisfied]) if rng.random() < COMMENTED else ""
    return {"satisfaction": satisfaction, "besoin": needs, "aisance": ease, "comment": comment,
            "satisfied": satisfied, "at_ease": ease in ("tout_a_fait", "plutot_oui")}  # fmt: skip


async def seed_feedback(site_id: int, today: date, seed: int) -> int:
    """Offers and answers for part of the site's activities of the last months; return how many rows."""
    form = await FeedbackForm.select(FeedbackForm.id).where(FeedbackForm.is_current.eq(True)).first().run()
    if form is None:
        return 0
    activities = await sql.fetch(
        """SELECT a.id AS id, a.type AS type, a.date AS day, a.anonymous_count AS anonymous,
  (SELECT COUNT(*) FROM activity_participant p WHERE p.activity = a.id AND p.present) AS present
FROM activity a WHERE a.site = {} AND a.date BETWEEN {} AND {} ORDER BY a.date, a.start_time, a.id""",
        site_id,
        today - timedelta(days=ASKED_SINCE_DAYS),
        today,
    )
    rng = random.Random(seed * 7919 + 26)
    offers, answers = [], []
    for activity in activities:
        day = activity["day"] if isinstance(activity["day"], date) else date.fromisoformat(str(activity["day"]))
        workshop = activity["type"] == "collectif"
        if rng.random() >= (WORKSHOPS_ASKED if workshop else SESSIONS_ASKED):
            continue
        participants = int(activity["present"]) + int(activity["anonymous"]) if workshop else 1
        if participants == 0:
            continue
        likely = ANSWER_ON_QR if workshop else ANSWER_ON_PHONE
        given = [_answer(rng) for _ in range(participants) if rng.random() < likely]
        month = day.replace(day=1)
        offers.append((activity["id"], site_id, month, activity["type"], participants, len(given)))
        for found in given:
            chosen = {code: found[code] for code in ("satisfaction", "besoin", "aisance")}
            answers.append((form["id"], site_id, month, activity["type"], "qr" if workshop else "telephone",
                            msgspec.json.encode(chosen).decode(), found["satisfied"], found["besoin"],
                            found["at_ease"], found["comment"]))  # fmt: skip
    await insert_rows("feedback_offer", OFFER_COLUMNS, offers)
    await insert_rows("feedback_answer", ANSWER_COLUMNS, answers)
    return len(offers) + len(answers)
