import os
from datetime import date, timedelta
from typing import Any

from litestar import Controller, delete, get, patch, post, put
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import File, Stream
from msgspec import convert

from inclusion import clock
from inclusion.accounts.guards import PERSONAL, STAFF
from inclusion.activities import attendance, coop_export, coop_import, export, recording, services
from inclusion.activities.schemas import (
    ActivityCreate,
    ActivityOut,
    ActivityPage,
    ActivityPatch,
    CoopImport,
    CoopImportOut,
    DuplicateRequest,
    SiteDayIn,
    SiteDayOut,
)
from inclusion.scoping import Role
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.vocabulary import ActivityType
from inclusion.web.params import CurrentCaller, PageNumber, PerPage, page_request, page_response


def activity_filters(
    site: FromQuery[int | None] = None,
    date_from: FromQuery[date | None] = None,
    date_to: FromQuery[date | None] = None,
    type: FromQuery[ActivityType | None] = None,
    topic: FromQuery[str | None] = None,
    adviser: FromQuery[int | None] = None,
    learner: FromQuery[int | None] = None,
) -> dict[str, Any]:
    """The list filters, shared by the list and its CSV and XLSX exports."""
    return {
        "site": site,
        "date_from": date_from,
        "date_to": date_to,
        "type": type.value if type else None,
        "topic": topic,
        "adviser": adviser,
        "learner": learner,
    }


FILTERS = {"filters": Provide(activity_filters, sync_to_thread=False)}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ActivityFilters = NamedDependency[dict[str, Any]]


@get(
    "/activities.csv",
    tags=["Activités"],
    summary="Export CSV (modèle national) des activités filtrées",
    opt=PERSONAL,
    media_type="text/csv",  # Litestar adds "; charset=utf-8"
    dependencies=FILTERS,
)
async def export_csv(caller: CurrentCaller, filters: ActivityFilters) -> Stream:
    return Stream(
        await export.csv_chunks(caller, filters),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="activites-{clock.today()}.csv"'},
    )


@get(
    "/activities.xlsx",
    tags=["Activités"],
    summary="Export XLSX (modèle national) des activités filtrées",
    opt=PERSONAL,
    media_type=XLSX,
    dependencies=FILTERS,
)
async def export_xlsx(caller: CurrentCaller, filters: ActivityFilters) -> File:
    path = await export.xlsx_file(caller, filters)
    return File(
        path,
        filename=f"activites-{clock.today()}.xlsx",
        media_type=XLSX,
        background=BackgroundTask(os.remove, path),
    )


@get(
    "/activities.coop.csv",
    tags=["Activités"],
    summary="Export CSV au format de La Coop de la médiation numérique (une ligne par accompagnement)",
    opt=PERSONAL,
    media_type="text/csv",
    dependencies=FILTERS,
)
async def export_coop_csv(caller: CurrentCaller, filters: ActivityFilters) -> Stream:
    return Stream(
        await coop_export.csv_chunks(caller, filters),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="coop-activites-{clock.today()}.csv"'},
    )


@get(
    "/activities.coop.xlsx",
    tags=["Activités"],
    summary="Export XLSX au format de La Coop de la médiation numérique (une ligne par accompagnement)",
    opt=PERSONAL,
    media_type=XLSX,
    dependencies=FILTERS,
)
async def export_coop_xlsx(caller: CurrentCaller, filters: ActivityFilters) -> File:
    path = await coop_export.xlsx_file(caller, filters, caller.display_name)
    return File(
        path,
        filename=f"coop-activites-{clock.today()}.xlsx",
        media_type=XLSX,
        background=BackgroundTask(os.remove, path),
    )


class ActivityApi(Controller):
    path = "/activities"
    tags = ["Activités"]
    dependencies = FILTERS

    @get("/", summary="Ateliers et séances des sites de l'appelant (filtres, pages)", opt=PERSONAL)
    async def list_activities(
        self,
        caller: CurrentCaller,
        filters: ActivityFilters,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
    ) -> ActivityPage:
        result = await services.list_activities(caller, page_request(page, per_page), filters)
        return page_response(result, ActivityPage, ActivityOut)

    @post("/", summary="Enregistrer un atelier ou une séance (répétable chaque semaine)", opt=STAFF)
    async def create_activity(self, caller: CurrentCaller, data: JSONBody[ActivityCreate]) -> list[ActivityOut]:
        return [convert(row, ActivityOut) for row in await recording.create_activities(caller, data)]

    @post(
        "/import/coop",
        summary="Importer un export d'activités de La Coop (CSV ; refusé entier à la moindre ligne fausse ; dry_run)",
        opt=STAFF,
        status_code=200,
    )
    async def import_coop(self, caller: CurrentCaller, data: JSONBody[CoopImport]) -> CoopImportOut:
        """The rows sharing an ID CRA make one activity; an ID CRA the site already holds is left as it is."""
        return convert(await coop_import.import_activities(caller, data), CoopImportOut)

    @get("/{activity_id:int}", summary="Une activité", opt=PERSONAL)
    async def get_activity(self, caller: CurrentCaller, activity_id: FromPath[int]) -> ActivityOut:
        return convert(await services.get_activity(caller, activity_id), ActivityOut)

    @patch("/{activity_id:int}", summary="Modifier une activité", opt=STAFF)
    async def update_activity(
        self, caller: CurrentCaller, activity_id: FromPath[int], data: JSONBody[ActivityPatch]
    ) -> ActivityOut:
        return convert(await services.update_activity(caller, activity_id, data), ActivityOut)

    @delete("/{activity_id:int}", summary="Supprimer une activité", opt=STAFF)
    async def delete_activity(self, caller: CurrentCaller, activity_id: FromPath[int]) -> None:
        await services.delete_activity(caller, activity_id)

    @post("/{activity_id:int}/duplicate", summary="Dupliquer une activité à une autre date", opt=STAFF)
    async def duplicate_activity(
        self, caller: CurrentCaller, activity_id: FromPath[int], data: JSONBody[DuplicateRequest]
    ) -> ActivityOut:
        return convert(await services.duplicate_activity(caller, activity_id, data.date), ActivityOut)


class AttendanceApi(Controller):
    path = "/attendance"
    tags = ["Fréquentation"]

    @get("/{site_id:int}", summary="Fréquentation d'un site : jours ouverts et visiteurs")
    async def list_days(
        self,
        caller: CurrentCaller,
        site_id: FromPath[int],
        date_from: FromQuery[date | None] = None,
        date_to: FromQuery[date | None] = None,
    ) -> list[SiteDayOut]:
        """The last 30 days unless a range is given."""
        date_to = date_to or clock.today()
        date_from = date_from or date_to - timedelta(days=30)
        rows = await attendance.list_days(caller, site_id, date_from, date_to)
        return [convert(row, SiteDayOut) for row in rows]

    @put(
        "/{site_id:int}/{day:date}",
        summary="Saisir la fréquentation d'un jour",
        opt={"roles": {Role.admin, Role.coordinator, Role.adviser}},
    )
    async def record_day(
        self, caller: CurrentCaller, site_id: FromPath[int], day: FromPath[date], data: JSONBody[SiteDayIn]
    ) -> SiteDayOut:
        return convert(await attendance.record_day(caller, site_id, day, data), SiteDayOut)
