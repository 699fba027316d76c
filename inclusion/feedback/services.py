"""Asking for an opinion: an activity's offer (how many people were asked, how many answered), the public
QR links of workshops, and an answer written with nothing that points to a person.

One plan (`sql.transact_here`) writes an answer: the display's key (a replay finds it and writes nothing),
the link's and the offer's counts (each refused past its cap, atomically on both engines), then the answer
itself, which holds the site, the activity's month and type, and what was chosen."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from piccolo.utils.encoding import dump_json

from inclusion import clock
from inclusion.errors import Conflict, Gone, NotFound, PermissionDenied
from inclusion.feedback import forms
from inclusion.scoping import Caller, Role, one_in_scope
from inclusion.storage import sql
from inclusion.storage.tables.activities import Activity, ActivityParticipant
from inclusion.storage.tables.feedback import FeedbackLink, FeedbackOffer

LINK_DAYS = 7
EXTRA_ANSWERS = 2
NOT_FOUND = "Activité introuvable."
UNKNOWN_LINK = "Ce questionnaire n'existe pas : vérifiez l'adresse ou scannez à nouveau le code."
EXPIRED = "Ce questionnaire est fermé : il n'était ouvert que 7 jours après l'atelier."
FULL = "Ce questionnaire a reçu toutes les réponses attendues pour cet atelier. Merci !"
REPLAYED = "Cet avis a déjà été envoyé : il n'est compté qu'une fois."
STAFF_ROLES = (Role.admin, Role.coordinator, Role.adviser)


def month_of(day: date) -> date:
    return day.replace(day=1)


def new_key() -> str:
    """The key of one display of the questionnaire, sent back with the answer."""
    return secrets.token_urlsafe(18)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def link_token(link: dict[str, Any]) -> str:
    return f"{link['id']}-{link['nonce']}"


async def activity_for(caller: Caller, activity_id: int) -> dict[str, Any]:
    """The activity as this feature needs it: site, type, date, title and how many people it had."""
    query = Activity.select(
        Activity.id, Activity.site, Activity.type, Activity.date, Activity.title, Activity.anonymous_count
    ).where(Activity.id == activity_id)
    activity = await one_in_scope(query, caller, Activity.site, NOT_FOUND)
    if activity["type"] == "collectif":
        present = await ActivityParticipant.count().where(
            ActivityParticipant.activity == activity_id, ActivityParticipant.present.eq(True)
        )
        activity["participants"] = present + activity["anonymous_count"]
    else:
        activity["participants"] = 1
    return activity


def _require_staff(caller: Caller) -> None:
    if caller.role not in STAFF_ROLES:
        raise PermissionDenied("Seule l'équipe du site peut demander l'avis des personnes accompagnées.")


async def offer_for(caller: Caller, activity_id: int) -> dict[str, Any]:
    """The activity's offer, made the first time its people are asked (staff of its site only)."""
    _require_staff(caller)
    activity = await activity_for(caller, activity_id)
    if activity["date"] > clock.today():
        raise Conflict("Cet atelier n'a pas encore eu lieu : l'avis des participants se demande à la fin.")
    return await sql.transact_here(_offer_plan(activity))


def _offer_plan(activity: dict[str, Any]) -> sql.Plan[dict[str, Any]]:
    found = yield "SELECT * FROM feedback_offer WHERE activity = {}", [activity["id"]]
    if found:
        return found[0] | {"activity": activity}
    row = {
        "activity": activity["id"],
        "site": activity["site"],
        "month": month_of(activity["date"]),
        "activity_type": activity["type"],
        "participants": activity["participants"],
        "answers": 0,
    }
    created = yield sql.insert_statement("feedback_offer", row)
    return row | {"id": created[0]["id"], "activity": activity}


async def counts(caller: Caller, activity: dict[str, Any]) -> dict[str, Any]:
    """What an activity (read by `activity_for`) received: people asked, answers, and (staff only) its QR links.
    Never an answer."""
    activity_id = activity["id"]
    offer = await FeedbackOffer.select().where(FeedbackOffer.activity == activity_id).first()
    result: dict[str, Any] = {
        "activity_id": activity_id,
        "offered": offer is not None,
        "participants": activity["participants"],
        "answers": offer["answers"] if offer else 0,
        "links": None,
    }
    if caller.role in STAFF_ROLES:
        links = []
        if offer:
            links = (
                await FeedbackLink.select(
                    FeedbackLink.id,
                    FeedbackLink.nonce,
                    FeedbackLink.created_at,
                    FeedbackLink.expires_at,
                    FeedbackLink.max_answers,
                    FeedbackLink.answers,
                )
                .where(FeedbackLink.offer == offer["id"])
                .order_by(FeedbackLink.id)
            )
        moment = clock.now()
        result["links"] = [link | {"open": _open(link, moment), "token": link_token(link)} for link in links]
    return result


def _open(link: dict[str, Any], moment: datetime) -> bool:
    return link["expires_at"] > moment and link["answers"] < link["max_answers"]


async def create_link(caller: Caller, activity_id: int) -> tuple[dict[str, Any], str]:
    """A workshop's public link, open 7 days for as many answers as it had participants plus 2; returns the
    stored link and its token (the team may show it again while the link is open)."""
    offer = await offer_for(caller, activity_id)
    activity = offer["activity"]
    if activity["type"] != "collectif":
        raise Conflict(
            "Le code QR sert aux ateliers : pour une séance individuelle, tendez votre téléphone "
            "(« Faire donner son avis »)."
        )
    moment = clock.now()
    row = {
        "offer": offer["id"],
        "nonce": secrets.token_urlsafe(24),
        "created_by": caller.user_id or None,
        "created_at": moment,
        "expires_at": moment + timedelta(days=LINK_DAYS),
        "max_answers": activity["participants"] + EXTRA_ANSWERS,
        "answers": 0,
    }
    created = await sql.transact_here(_insert(row))
    link = row | {"id": created, "open": True}
    return link, link_token(link)


def _insert(row: dict[str, Any]) -> sql.Plan[int]:
    created = yield sql.insert_statement("feedback_link", row)
    return created[0]["id"]


async def link_by_token(token: str) -> dict[str, Any]:
    """The open link a token names, with its offer's site, month, type and people, and its activity's title and
    date; 404, 410 (expired) or 409 (full)."""
    link_id, _, nonce = token.partition("-")
    if not link_id.isdigit() or len(link_id) > 18 or not nonce or len(nonce) > 64:
        raise NotFound(UNKNOWN_LINK)
    link = await (
        FeedbackLink.select(
            *FeedbackLink._meta.columns,
            FeedbackLink.offer.site.as_alias("site"),
            FeedbackLink.offer.site.name.as_alias("site_name"),
            FeedbackLink.offer.month.as_alias("month"),
            FeedbackLink.offer.activity_type.as_alias("activity_type"),
            FeedbackLink.offer.participants.as_alias("participants"),
            FeedbackLink.offer.activity.title.as_alias("title"),
            FeedbackLink.offer.activity.date.as_alias("activity_date"),
        )
        .where(FeedbackLink.id == int(link_id))
        .first()
    )
    if link is None or not hmac.compare_digest(link["nonce"], nonce):
        raise NotFound(UNKNOWN_LINK)
    if link["expires_at"] <= clock.now():
        raise Gone(EXPIRED)
    if link["answers"] >= link["max_answers"]:
        raise Conflict(FULL)
    return link


async def answer_by_staff(caller: Caller, activity_id: int, key: str, answers: dict[str, str]) -> None:
    """An answer given on the adviser's phone, handed to the person at the end of the activity."""
    offer = await offer_for(caller, activity_id)  # another site's activity is a 404 before any word on the answers
    values = forms.checked(await forms.current(), answers)
    await _record(offer | {"offer": offer["id"]}, offer["activity"]["participants"], None, key, values, "telephone")


async def answer_by_link(link: dict[str, Any], key: str, answers: dict[str, str]) -> None:
    """An answer sent from the public page a workshop's QR code opens (`link`: from `link_by_token`)."""
    values = forms.checked(await forms.current(), answers)
    await _record(link, link["participants"], link, key, values, "qr")


async def _record(
    offer: dict[str, Any],
    participants: int,
    link: dict[str, Any] | None,
    key: str,
    values: dict[str, Any],
    channel: str,
) -> None:
    """`offer` holds the offer's id (`offer`), site, month and activity type; `values` come from `forms.checked`."""
    form = await forms.current()
    if not key or len(key) > 64:
        raise Conflict("Ce questionnaire a expiré : rechargez la page pour en ouvrir un nouveau.")
    row = {
        "form": form["id"],
        "site": offer["site"],
        "month": offer["month"],
        "activity_type": offer["activity_type"],
        "channel": channel,
        "answers": dump_json(values["answers"]),
        "satisfied": values["satisfied"],
        "needs_met": values["needs_met"],
        "at_ease": values["at_ease"],
        "comment": values["comment"],
    }
    await sql.transact_here(_answer_plan(offer["offer"], participants, link, key, row))


def _answer_plan(
    offer_id: int, participants: int, link: dict[str, Any] | None, key: str, row: dict[str, Any]
) -> sql.Plan[None]:
    receipt = {"key": digest(key), "month": row["month"]}
    seen = yield "SELECT id FROM feedback_receipt WHERE key = {}", [receipt["key"]]
    if seen:
        raise Conflict(REPLAYED)
    yield sql.insert_statement("feedback_receipt", receipt)  # unique: a simultaneous replay fails here, 409
    if link is not None:
        counted = yield (
            "UPDATE feedback_link SET answers = answers + 1 WHERE id = {} AND answers < max_answers "
            "AND expires_at > {} RETURNING id",
            [link["id"], clock.now()],
        )
        if not counted:
            raise Conflict(FULL)
    counted = yield (
        "UPDATE feedback_offer SET answers = answers + 1, participants = {} WHERE id = {} AND answers < {} "
        "RETURNING id",
        [participants, offer_id, participants + EXTRA_ANSWERS],
    )
    if not counted:
        raise Conflict("Cette activité a déjà reçu autant d'avis que de personnes présentes : merci !")
    yield sql.insert_statement("feedback_answer", row)
