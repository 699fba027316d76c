from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType


class FunderType(StrEnum):
    etat_prefecture = "etat_prefecture"
    departement = "departement"
    commune = "commune"
    caf = "caf"
    fondation = "fondation"
    autre = "autre"


FUNDER_TYPE_LABELS = {
    FunderType.etat_prefecture: "État (préfecture)",
    FunderType.departement: "Département",
    FunderType.commune: "Commune",
    FunderType.caf: "CAF",
    FunderType.fondation: "Fondation",
    FunderType.autre: "Autre",
}

Name = Annotated[str, Meta(min_length=1, max_length=200, examples=["Préfecture du Rhône"])]
Cents = Annotated[int, Meta(ge=0, description="Montant en centimes d'euro")]
UserIds = Annotated[list[int], Meta(description="Comptes (rôle financeur) rattachés à ce financeur")]


class GrantIn(Struct, forbid_unknown_fields=True):
    site_id: int
    starts_on: date
    ends_on: Annotated[date, Meta(description="Dernier jour couvert (inclus)")]
    amount_cents: Cents | None = None


class GrantPatch(Struct, forbid_unknown_fields=True, omit_defaults=True):
    site_id: int | UnsetType = UNSET
    starts_on: date | UnsetType = UNSET
    ends_on: date | UnsetType = UNSET
    amount_cents: Cents | None | UnsetType = UNSET


class GrantOut(Struct):
    id: int
    funder_id: int
    site_id: int
    starts_on: date
    ends_on: date
    amount_cents: int | None


class FunderCreate(Struct, forbid_unknown_fields=True):
    name: Name
    type: FunderType
    grants: list[GrantIn] = msgspec.field(default_factory=list)
    user_ids: UserIds = msgspec.field(default_factory=list)


class FunderPatch(Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: Name | UnsetType = UNSET
    type: FunderType | UnsetType = UNSET
    user_ids: UserIds | UnsetType = UNSET


class FunderOut(Struct):
    id: int
    name: str
    type: FunderType
    grants: list[GrantOut]
    user_ids: list[int]
    created_at: datetime
