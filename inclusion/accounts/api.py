import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import convert

from inclusion.accounts import tokens, users
from inclusion.accounts.passwords import generate_password
from inclusion.accounts.schemas import (
    Me,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserCreate,
    UserCreated,
    UserOut,
    UserPage,
    UserPatch,
)
from inclusion.scoping import Role
from inclusion.storage.pagination import DEFAULT_PER_PAGE
from inclusion.web.params import (
    CurrentCaller,
    PageNumber,
    PerPage,
    Search,
    page_request,
    page_response,
)

ADMIN_ONLY = {"roles": {Role.admin}, "personal_data": True}


@get("/me", tags=["Comptes"], summary="L'utilisateur authentifié")
async def me(caller: CurrentCaller) -> Me:
    return Me(
        id=caller.user_id,
        email=caller.email,
        display_name=caller.display_name,
        role=caller.role,
        site_ids=sorted(caller.site_ids),
        authenticated_by=caller.via,
    )


class UserApi(Controller):
    path = "/users"
    tags = ["Comptes"]

    @get("/", summary="Équipe : comptes qui partagent un site avec l'appelant", opt={"personal_data": True})
    async def list_users(
        self,
        caller: CurrentCaller,
        page: PageNumber = 1,
        per_page: PerPage = DEFAULT_PER_PAGE,
        q: Search = "",
        role: FromQuery[Role | None] = None,
    ) -> UserPage:
        result = await users.list_users(caller, page_request(page, per_page), q, role)
        return page_response(result, UserPage, UserOut)

    @post("/", summary="Créer un compte (administrateur)", opt=ADMIN_ONLY)
    async def create_user(self, data: JSONBody[UserCreate]) -> UserCreated:
        password = data.password or generate_password()
        row = await users.create_user(data.email, data.display_name, data.role, data.site_ids, password)
        return convert({**row, "password": None if data.password else password}, UserCreated)

    @get("/{user_id:int}", summary="Un compte", opt={"personal_data": True})
    async def get_user(self, caller: CurrentCaller, user_id: FromPath[int]) -> UserOut:
        return convert(await users.get_user(caller, user_id), UserOut)

    @patch("/{user_id:int}", summary="Modifier un compte (administrateur)", opt=ADMIN_ONLY)
    async def update_user(self, caller: CurrentCaller, user_id: FromPath[int], data: JSONBody[UserPatch]) -> UserOut:
        return convert(await users.update_user(caller, user_id, msgspec.to_builtins(data)), UserOut)


class TokenApi(Controller):
    path = "/tokens"
    tags = ["Comptes"]

    @get("/", summary="Mes tokens d'API")
    async def list_tokens(self, caller: CurrentCaller) -> list[TokenOut]:
        return [convert(row, TokenOut) for row in await tokens.list_tokens(caller)]

    @post("/", summary="Créer un token d'API (affiché une seule fois)")
    async def create_token(self, caller: CurrentCaller, data: JSONBody[TokenCreate]) -> TokenCreated:
        raw, row = await tokens.create_token(caller.user_id, data.name, data.expires_on)
        return convert({**row, "token": raw}, TokenCreated)

    @get("/{token_id:int}", summary="Un de mes tokens")
    async def get_token(self, caller: CurrentCaller, token_id: FromPath[int]) -> TokenOut:
        return convert(await tokens.get_token(caller, token_id), TokenOut)

    @delete("/{token_id:int}", summary="Révoquer un de mes tokens", status_code=200)
    async def revoke_token(self, caller: CurrentCaller, token_id: FromPath[int]) -> TokenOut:
        return convert(await tokens.revoke_token(caller, token_id), TokenOut)
