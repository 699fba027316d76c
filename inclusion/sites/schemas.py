from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from inclusion.sites.standard import AccessMode, Fee, Programme, Public, Service, SpecificSupport, SupportMode, Typology


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
Rna = Annotated[str, Meta(description="Numéro RNA d'une association sans SIRET", examples=["W623001234"])]
Latitude = Annotated[float, Meta(ge=-90, le=90, description="WGS84")]
Longitude = Annotated[float, Meta(ge=-180, le=180, description="WGS84")]
Summary = Annotated[str, Meta(max_length=280)]
Phone = Annotated[str, Meta(max_length=30, description="Converti au format +33…", examples=["03 21 00 00 00"])]
Email = Annotated[str, Meta(max_length=254)]
Website = Annotated[str, Meta(max_length=300, examples=["https://www.exemple.fr"])]


class Places(Struct, kw_only=True):
    """The fields of the national "lieux de médiation numérique" standard that sites did not have."""

    rna: Rna | None = None
    address_complement: Address = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    typologies: list[Typology] = msgspec.field(default_factory=list)
    summary: Summary = ""
    phone: Phone = ""
    email: Email = ""
    website: Website = ""
    services: list[Service] = msgspec.field(default_factory=list)
    publics: list[Public] = msgspec.field(default_factory=list)
    specific_support: list[SpecificSupport] = msgspec.field(default_factory=list)
    fees: list[Fee] = msgspec.field(default_factory=list)
    access_modes: list[AccessMode] = msgspec.field(default_factory=list)
    support_modes: list[SupportMode] = msgspec.field(default_factory=list)
    national_programmes: list[Programme] = msgspec.field(default_factory=list)


class SiteCreate(Places, forbid_unknown_fields=True, kw_only=True):
    name: Name
    kind: SiteKind
    insee_code: InseeCode
    address: Address = ""
    postal_code: PostalCode = ""
    city: City = ""
    siret: Siret | None = None
    itinerant: bool = False
    opening_hours: list[OpeningSlot] = msgspec.field(default_factory=list)
    calendar_public: bool = False


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
    rna: Rna | None | UnsetType = UNSET
    address_complement: Address | UnsetType = UNSET
    latitude: Latitude | None | UnsetType = UNSET
    longitude: Longitude | None | UnsetType = UNSET
    typologies: list[Typology] | UnsetType = UNSET
    summary: Summary | UnsetType = UNSET
    phone: Phone | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    website: Website | UnsetType = UNSET
    services: list[Service] | UnsetType = UNSET
    publics: list[Public] | UnsetType = UNSET
    specific_support: list[SpecificSupport] | UnsetType = UNSET
    fees: list[Fee] | UnsetType = UNSET
    access_modes: list[AccessMode] | UnsetType = UNSET
    support_modes: list[SupportMode] | UnsetType = UNSET
    national_programmes: list[Programme] | UnsetType = UNSET
    calendar_public: Annotated[bool, Meta(description="Agenda des ateliers public (lien secret)")] | UnsetType = UNSET
    new_calendar_link: Annotated[bool, Meta(description="true : change le lien public de l'agenda")] | UnsetType = UNSET


class SiteOut(Places, kw_only=True):
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
    opening_hours_osm: Annotated[str, Meta(description="Horaires au format OpenStreetMap opening_hours")] = ""
    publication_missing: Annotated[
        list[str], Meta(description="Ce qui manque pour publier le lieu (vide : publié dans lieux-mediation-numerique)")
    ] = msgspec.field(default_factory=list)
    calendar_public: bool = False
    calendar_path: Annotated[str | None, Meta(description="Adresse publique de l'agenda, si ouvert")] = None


class SitePage(Struct):
    items: list[SiteOut]
    total: int
    page: int
    per_page: int
    pages: int


class Place(Struct):
    """A site as the national "lieux de médiation numérique" standard (v1.0.2) describes a place; the lists are
    joined with `|` in the CSV."""

    id: str
    pivot: str
    nom: str
    commune: str
    code_postal: str
    code_insee: str | None
    adresse: str
    complement_adresse: str | None
    latitude: float | None
    longitude: float | None
    typologie: list[str]
    telephone: str | None
    courriels: list[str]
    site_web: list[str]
    horaires: str | None
    presentation_resume: str | None
    presentation_detail: str | None
    source: str
    itinerance: list[str]
    structure_parente: str | None
    date_maj: str
    services: list[str]
    publics_specifiquement_adresses: list[str]
    prise_en_charge_specifique: list[str]
    frais_a_charge: list[str]
    dispositif_programmes_nationaux: list[str]
    formations_labels: list[str] | None
    autres_formations_labels: str | None
    modalites_acces: list[str]
    modalites_accompagnement: list[str]
    fiche_acces_libre: str | None
    prise_rdv: str | None
