from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from inclusion.scoping import Role

Email = Annotated[str, Meta(min_length=3, max_length=254, examples=["prenom.nom@example.fr"])]
DisplayName = Annotated[str, Meta(min_length=1, max_length=120)]
SiteIds = Annotated[list[int], Meta(description="Sites de l'utilisateur ; pour un financeur, les sites financés")]


class Me(Struct):
    id: int
    email: str
    display_name: str
    role: Role
    site_ids: list[int]
    authenticated_by: str


class UserOut(Struct):
    id: int
    email: str
    display_name: str
    role: Role
    is_active: bool
    site_ids: list[int]
    created_at: datetime
    last_login_at: datetime | None


class UserCreated(UserOut):
    password: str | None = None


class UserCreate(Struct, forbid_unknown_fields=True):
    email: Email
    display_name: DisplayName
    role: Role
    site_ids: SiteIds = msgspec.field(default_factory=list)
    password: Annotated[str, Meta(min_length=1, max_length=200)] | None = None


class UserPatch(Struct, forbid_unknown_fields=True, omit_defaults=True):
    display_name: DisplayName | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    is_active: bool | UnsetType = UNSET
    site_ids: SiteIds | UnsetType = UNSET


class UserPage(Struct):
    items: list[UserOut]
    total: int
    page: int
    per_page: int
    pages: int


ExpiresOn = Annotated[
    date | None,
    Meta(description="Dernier jour de validité du token (fuseau du service) ; aucun : le token n'expire pas"),
]


class TokenCreate(Struct, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=100, examples=["Export tableur"])]
    expires_on: ExpiresOn = None


class TokenOut(Struct):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_on: ExpiresOn = None


class TokenCreated(TokenOut):
    token: str = ""
