from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import convert

from inclusion.accounts.guards import PERSONAL, STAFF
from inclusion.assessments import progression, services
from inclusion.assessments.schemas import (
    AssessmentCreate,
    AssessmentKind,
    AssessmentOut,
    AssessmentPage,
    Progression,
)
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.web.params import CurrentCaller, PageNumber, PerPage, page_request, page_response


class AssessmentApi(Controller):
    path = "/assessments"
    tags = ["Évaluations"]

    @get("/", summary="Évaluations des apprenants des sites de l'appelant", opt=PERSONAL)
    async def list_assessments(
        self,
        caller: CurrentCaller,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
        learner: FromQuery[int | None] = None,
        kind: FromQuery[AssessmentKind | None] = None,
    ) -> AssessmentPage:
        result = await services.list_assessments(
            caller, page_request(page, per_page), learner, kind.value if kind else None
        )
        return page_response(result, AssessmentPage, AssessmentOut)

    @post("/", summary="Enregistrer une évaluation", opt=STAFF)
    async def create_assessment(self, caller: CurrentCaller, data: JSONBody[AssessmentCreate]) -> AssessmentOut:
        return convert(await services.create_assessment(caller, data), AssessmentOut)

    @get("/{assessment_id:int}", summary="Une évaluation", opt=PERSONAL)
    async def get_assessment(self, caller: CurrentCaller, assessment_id: FromPath[int]) -> AssessmentOut:
        return convert(await services.get_assessment(caller, assessment_id), AssessmentOut)


@get(
    "/learners/{learner_id:int}/progression",
    tags=["Évaluations"],
    summary="Progression d'un apprenant : premier et dernier niveau par compétence, fragilité",
    opt=PERSONAL,
)
async def learner_progression(
    caller: CurrentCaller, learner_id: FromPath[int], framework: FromQuery[str | None] = None
) -> Progression:
    return convert(await progression.progression(caller, learner_id, framework), Progression)
