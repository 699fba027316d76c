from litestar import Controller, get, post
from litestar.params import JSONBody
from msgspec import convert

from inclusion.frameworks import services
from inclusion.frameworks.schemas import FrameworkOut, FrameworkUpload
from inclusion.scoping import Role


class FrameworkApi(Controller):
    path = "/frameworks"
    tags = ["Référentiels"]

    @get("/", summary="Référentiels, versions, compétences et échelles")
    async def list_frameworks(self) -> list[FrameworkOut]:
        return [convert(row, FrameworkOut) for row in await services.list_frameworks()]

    @post("/", summary="Ajouter un référentiel ou une nouvelle version (administrateur)", opt={"roles": {Role.admin}})
    async def upload_framework(self, data: JSONBody[FrameworkUpload]) -> FrameworkOut:
        version_id = await services.install(data)
        frameworks = await services.list_frameworks()
        return convert(next(f for f in frameworks if any(v["id"] == version_id for v in f["versions"])), FrameworkOut)
