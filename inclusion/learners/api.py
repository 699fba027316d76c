from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import convert

from inclusion import clock
from inclusion.accounts.guards import PERSONAL, STAFF
from inclusion.learners import export, glance, importing, lifecycle, services
from inclusion.learners.schemas import (
    LearnerCreate,
    LearnerExport,
    LearnerImport,
    LearnerImportOut,
    LearnerListItem,
    LearnerOut,
    LearnerPage,
    LearnerPatch,
    MergeRequest,
)
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.vocabulary import AgeBand, Gender, SocialStatus
from inclusion.web.params import CurrentCaller, PageNumber, PerPage, Search, page_request, page_response


class LearnerApi(Controller):
    path = "/learners"
    tags = ["Apprenants"]

    @get(
        "/",
        summary="Apprenants des sites de l'appelant (recherche, filtres, pages)",
        description="Chaque apprenant porte aussi sa dernière activité et sa situation sur le socle.",
        opt=PERSONAL,
    )
    async def list_learners(
        self,
        caller: CurrentCaller,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
        q: Search = "",
        site: FromQuery[int | None] = None,
        gender: FromQuery[Gender | None] = None,
        age_band: FromQuery[AgeBand | None] = None,
        social_status: FromQuery[SocialStatus | None] = None,
        include_anonymised: FromQuery[bool] = False,
    ) -> LearnerPage:
        filters = {
            name: value.value
            for name, value in (("gender", gender), ("age_band", age_band), ("social_status", social_status))
            if value is not None
        }
        result = await services.list_learners(
            caller, page_request(page, per_page), q, site, filters, include_anonymised
        )
        await glance.with_glance(result.rows, clock.today())
        return page_response(result, LearnerPage, LearnerListItem)

    @post("/", summary="Créer une fiche apprenant", opt=STAFF)
    async def create_learner(self, caller: CurrentCaller, data: JSONBody[LearnerCreate]) -> LearnerOut:
        return convert(await services.create_learner(caller, data), LearnerOut)

    @post(
        "/import",
        summary="Importer des fiches (CSV : notre modèle ou celui de La Coop ; refusé entier à la moindre ligne "
        "fausse ; dry_run)",
        opt=STAFF,
        status_code=200,
    )
    async def import_learners(self, caller: CurrentCaller, data: JSONBody[LearnerImport]) -> LearnerImportOut:
        """A person the site already has a live file for (same name and birth year) is left as it is."""
        return convert(await importing.import_learners(caller, data), LearnerImportOut)

    @get("/{learner_id:int}", summary="Une fiche apprenant (consultation tracée)", opt=PERSONAL)
    async def get_learner(self, caller: CurrentCaller, learner_id: FromPath[int]) -> LearnerOut:
        return convert(await services.get_learner(caller, learner_id), LearnerOut)

    @get("/{learner_id:int}/export", summary="Tout ce qui est conservé sur un apprenant (droit d'accès)", opt=PERSONAL)
    async def export_learner(self, caller: CurrentCaller, learner_id: FromPath[int]) -> LearnerExport:
        return convert(await export.export(caller, learner_id), LearnerExport)

    @patch("/{learner_id:int}", summary="Modifier une fiche apprenant", opt=STAFF)
    async def update_learner(
        self, caller: CurrentCaller, learner_id: FromPath[int], data: JSONBody[LearnerPatch]
    ) -> LearnerOut:
        return convert(await services.update_learner(caller, learner_id, data), LearnerOut)

    @delete("/{learner_id:int}", summary="Anonymiser une fiche (irréversible)", opt=STAFF, status_code=200)
    async def anonymise_learner(self, caller: CurrentCaller, learner_id: FromPath[int]) -> LearnerOut:
        return convert(await lifecycle.anonymise_on_request(caller, learner_id), LearnerOut)

    @post("/{learner_id:int}/merge", summary="Fusionner une fiche en double dans celle-ci", opt=STAFF, status_code=200)
    async def merge_learner(
        self, caller: CurrentCaller, learner_id: FromPath[int], data: JSONBody[MergeRequest]
    ) -> LearnerOut:
        return convert(await lifecycle.merge(caller, learner_id, data.duplicate_id), LearnerOut)
