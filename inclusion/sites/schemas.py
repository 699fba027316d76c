from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType


class SiteKind(StrEnum):
    france_services = "france_services"
    centre_social = "centre_social"
    mediatheque = "mediatheque"
    epn = "epn"
    bus_itinerant = "bus_itinerant"
    association = "association"
    autre = "autre"


KIND_LABELS = {
    SiteKind.france_services: "France Services",
    SiteKind.centre_social: "Centre social",
    SiteKind.mediatheque: "Médiathèque",
    SiteKind.epn: "Espace public numérique",
    SiteKind.bus_itinerant: "Bus itinérant",
    SiteKind.association: "Association",
    SiteKind.autre: "Autre",
}


class Weekday(StrEnum):
    lundi = "lundi"
    mardi = "mardi"
    mercredi = "mercredi"
    jeudi = "jeudi"
    vendredi = "vendredi"
    samedi = "samedi"
    dimanche = "dimanche"


class OpeningSlot(Struct, forbid_unknown_fields=True):
    day: Weekday
    opens: Annotated[str, Meta(description="HH:MM", examples=["09:00"])]
    closes: Annotated[str, Meta(description="HH:MM", examples=["12:30"])]


Name = Annotated[str, Meta(min_length=1, max_length=200)]
Address = Annotated[str, Meta(max_length=300)]
PostalCode = Annotated[str, Meta(max_length=5)]
City = Annotated[str, Meta(max_length=120)]
InseeCode = Annotated[str, Meta(description="Code INSEE de la commune (5 caractères)", examples=["62667"])]
Siret = Annotated[str, Meta(description="14 chiffres, clé de Luhn", examples=["13002526500013"])]


class SiteCreate(Struct, forbid_unknown_fields=True):
    name: Name
    kind: SiteKind
    insee_code: InseeCode
    address: Address = ""
    postal_code: PostalCode = ""
    city: City = ""
    siret: Siret | None = None
    itinerant: bool = False
    opening_hours: list[OpeningSlot] = msgspec.field(default_factory=list)


class SitePatch(Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: Name | UnsetType = UNSET
    kind: SiteKind | UnsetType = UNSET
    insee_code: InseeCode | UnsetType = UNSET
    address: Address | UnsetType = UNSET
    postal_code: PostalCode | UnsetType = UNSET
    city: City | UnsetType = UNSET
    siret: Siret | None | UnsetType = UNSET
    itinerant: bool | UnsetType = UNSET
    opening_hours: list[OpeningSlot] | UnsetType = UNSET


class SiteOut(Struct):
    id: int
    name: str
    kind: SiteKind
    address: str
    postal_code: str
    city: str
    insee_code: str
    siret: str | None
    itinerant: bool
    opening_hours: list[OpeningSlot]
    created_at: datetime
    updated_at: datetime


class SitePage(Struct):
    items: list[SiteOut]
    total: int
    page: int
    per_page: int
    pages: int
