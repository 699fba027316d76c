from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from msgspec import convert

from inclusion.funders import services
from inclusion.funders.schemas import FunderCreate, FunderOut, FunderPatch, GrantIn, GrantOut, GrantPatch
from inclusion.scoping import Role

ADMIN_ONLY = {"roles": {Role.admin}}


class FunderApi(Controller):
    path = "/funders"
    tags = ["Financeurs"]

    @get("/", summary="Financeurs, leurs subventions et leurs comptes (administrateur)", opt=ADMIN_ONLY)
    async def list_funders(self) -> list[FunderOut]:
        return [convert(row, FunderOut) for row in await services.list_funders()]

    @post("/", summary="Créer un financeur, avec ses subventions et ses comptes", opt=ADMIN_ONLY)
    async def create_funder(self, data: JSONBody[FunderCreate]) -> FunderOut:
        return convert(await services.create_funder(data), FunderOut)

    @get("/{funder_id:int}", summary="Un financeur", opt=ADMIN_ONLY)
    async def get_funder(self, funder_id: FromPath[int]) -> FunderOut:
        return convert(await services.get_funder(funder_id), FunderOut)

    @patch("/{funder_id:int}", summary="Modifier un financeur (nom, type, comptes)", opt=ADMIN_ONLY)
    async def update_funder(self, funder_id: FromPath[int], data: JSONBody[FunderPatch]) -> FunderOut:
        return convert(await services.update_funder(funder_id, data), FunderOut)

    @delete("/{funder_id:int}", summary="Supprimer un financeur et ses subventions", opt=ADMIN_ONLY)
    async def delete_funder(self, funder_id: FromPath[int]) -> None:
        await services.delete_funder(funder_id)

    @get("/{funder_id:int}/grants", summary="Subventions d'un financeur", opt=ADMIN_ONLY)
    async def list_grants(self, funder_id: FromPath[int]) -> list[GrantOut]:
        return [convert(row, GrantOut) for row in (await services.get_funder(funder_id))["grants"]]

    @post("/{funder_id:int}/grants", summary="Ajouter une subvention (site, période, montant)", opt=ADMIN_ONLY)
    async def add_grant(self, funder_id: FromPath[int], data: JSONBody[GrantIn]) -> GrantOut:
        return convert(await services.add_grant(funder_id, data), GrantOut)

    @get("/{funder_id:int}/grants/{grant_id:int}", summary="Une subvention", opt=ADMIN_ONLY)
    async def get_grant(self, funder_id: FromPath[int], grant_id: FromPath[int]) -> GrantOut:
        return convert(await services.get_grant(funder_id, grant_id), GrantOut)

    @patch("/{funder_id:int}/grants/{grant_id:int}", summary="Modifier une subvention", opt=ADMIN_ONLY)
    async def update_grant(
        self, funder_id: FromPath[int], grant_id: FromPath[int], data: JSONBody[GrantPatch]
    ) -> GrantOut:
        return convert(await services.update_grant(funder_id, grant_id, data), GrantOut)

    @delete("/{funder_id:int}/grants/{grant_id:int}", summary="Supprimer une subvention", opt=ADMIN_ONLY)
    async def delete_grant(self, funder_id: FromPath[int], grant_id: FromPath[int]) -> None:
        await services.delete_grant(funder_id, grant_id)
