from litestar import Controller, get
from litestar.params import FromQuery

from inclusion.audit.schemas import AuditEntryOut, AuditPage
from inclusion.audit.services import Action, list_entries
from inclusion.scoping import Role
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.web.params import CurrentCaller, PageNumber, PerPage, page_request, page_response


class AuditApi(Controller):
    path = "/audit"
    tags = ["Journal d'audit"]

    @get(
        "/",
        summary="Journal d'audit des sites de l'appelant (coordinateurs et administrateurs)",
        opt={"personal_data": True, "roles": {Role.admin, Role.coordinator}},
    )
    async def list_audit(
        self,
        caller: CurrentCaller,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
        learner: FromQuery[int | None] = None,
        actor: FromQuery[int | None] = None,
        action: FromQuery[Action | None] = None,
    ) -> AuditPage:
        result = await list_entries(
            caller,
            page_request(page, per_page),
            target_type="learner" if learner is not None else None,
            target_id=learner,
            actor_id=actor,
            action=action,
        )
        return page_response(result, AuditPage, AuditEntryOut)
