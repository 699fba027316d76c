"""`/api/v1/feedback-forms`, `/api/v1/activities/{id}/feedback` and the public `POST /feedback/{token}`."""

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from msgspec import convert

from inclusion.accounts.guards import STAFF
from inclusion.certificates.verification import count_lookup
from inclusion.feedback import forms, services
from inclusion.feedback.schemas import (
    ActivityFeedbackOut,
    FeedbackFormOut,
    FeedbackKey,
    FeedbackSubmit,
    LinkOut,
)
from inclusion.web.params import CurrentCaller

PUBLIC = {"public": True}


def link_url(request: Request, token: str) -> str:
    return f"{request.app.state.settings.base_url}/avis/{token}"


async def count_public_answer(request: Request) -> None:
    """Answers sent through public links, per address and window (429 beyond the setting)."""
    settings = request.app.state.settings
    ip = request.client.host if request.client else ""
    await count_lookup(settings, f"avis {ip}", settings.feedback_max_per_address, "avis envoyés")


class FeedbackFormApi(Controller):
    path = "/feedback-forms"
    tags = ["Avis des personnes"]

    @get("/", summary="Versions du questionnaire « qualité du service rendu »")
    async def list_forms(self) -> list[FeedbackFormOut]:
        return [convert(row, FeedbackFormOut) for row in await forms.all_versions()]


class ActivityFeedbackApi(Controller):
    path = "/activities/{activity_id:int}/feedback"
    tags = ["Avis des personnes"]

    @get("/", summary="Avis reçus pour une activité : nombres seulement (jamais une réponse)")
    async def activity_feedback(
        self, request: Request, caller: CurrentCaller, activity_id: FromPath[int]
    ) -> ActivityFeedbackOut:
        result = await services.counts(caller, await services.activity_for(caller, activity_id))
        if result["links"] is not None:
            result["links"] = [link | {"url": link_url(request, link["token"])} for link in result["links"]]
        return convert(result, ActivityFeedbackOut)

    @post("/key", status_code=201, summary="Ouvrir un affichage du questionnaire (sa clé)", opt=STAFF)
    async def display_key(self, caller: CurrentCaller, activity_id: FromPath[int]) -> FeedbackKey:
        await services.offer_for(caller, activity_id)
        return FeedbackKey(key=services.new_key())

    @post("/", status_code=204, summary="Enregistrer l'avis donné sur le téléphone du conseiller", opt=STAFF)
    async def answer(self, caller: CurrentCaller, activity_id: FromPath[int], data: JSONBody[FeedbackSubmit]) -> None:
        await services.answer_by_staff(caller, activity_id, data.key, data.answers)

    @post("/links", status_code=201, summary="Créer le lien public (code QR) d'un atelier, ouvert 7 jours", opt=STAFF)
    async def create_link(self, request: Request, caller: CurrentCaller, activity_id: FromPath[int]) -> LinkOut:
        link, token = await services.create_link(caller, activity_id)
        return convert(link | {"url": link_url(request, token)}, LinkOut)


@post(
    "/feedback/{token:str}",
    status_code=204,
    summary="Donner son avis par le lien public d'un atelier (sans compte)",
    tags=["Avis des personnes"],
    opt=PUBLIC,
)
async def answer_by_link(request: Request, token: FromPath[str], data: JSONBody[FeedbackSubmit]) -> None:
    await count_public_answer(request)
    await services.answer_by_link(await services.link_by_token(token), data.key, data.answers)
