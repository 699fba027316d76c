"""The enumerated values of the national "lieux de médiation numérique" standard (v1.0.2), stored as the
standard writes them. Most are French sentences already, shown as they are; typology codes come from the
data.inclusion list of structure types the standard refers to (the ones a place of digital mediation is)."""

from __future__ import annotations

from enum import StrEnum


class Typology(StrEnum):
    ASSO = "ASSO"
    BIB = "BIB"
    CAF = "CAF"
    CC = "CC"
    CCAS = "CCAS"
    CIAS = "CIAS"
    CS = "CS"
    CSC = "CSC"
    DEPT = "DEPT"
    ENM = "ENM"
    EPCI = "EPCI"
    EPN = "EPN"
    ESS = "ESS"
    EVS = "EVS"
    FABLAB = "FABLAB"
    LA_POSTE = "LA_POSTE"
    MDS = "MDS"
    MJC = "MJC"
    ML = "ML"
    MQ = "MQ"
    MUNI = "MUNI"
    PIMMS = "PIMMS"
    PREF = "PREF"
    RFS = "RFS"
    TIERS_LIEUX = "TIERS_LIEUX"
    Autre = "Autre"


TYPOLOGY_LABELS = {
    Typology.ASSO: "Association",
    Typology.BIB: "Bibliothèque, médiathèque",
    Typology.CAF: "Caisse d'allocations familiales (CAF)",
    Typology.CC: "Communauté de communes",
    Typology.CCAS: "Centre communal d'action sociale (CCAS)",
    Typology.CIAS: "Centre intercommunal d'action sociale (CIAS)",
    Typology.CS: "Centre social",
    Typology.CSC: "Centre socio-culturel",
    Typology.DEPT: "Services sociaux du département",
    Typology.ENM: "Espace numérique mobile (bus, camion)",
    Typology.EPCI: "Intercommunalité (EPCI)",
    Typology.EPN: "Espace public numérique (EPN)",
    Typology.ESS: "Entreprise de l'économie sociale et solidaire",
    Typology.EVS: "Espace de vie sociale",
    Typology.FABLAB: "Fablab, atelier partagé",
    Typology.LA_POSTE: "Bureau de poste, agence postale",
    Typology.MDS: "Maison départementale des solidarités",
    Typology.MJC: "Maison des jeunes et de la culture",
    Typology.ML: "Mission locale",
    Typology.MQ: "Maison de quartier",
    Typology.MUNI: "Mairie, services municipaux",
    Typology.PIMMS: "Point information médiation multi services (PIMMS)",
    Typology.PREF: "Préfecture, sous-préfecture",
    Typology.RFS: "France Services",
    Typology.TIERS_LIEUX: "Tiers-lieu, coworking",
    Typology.Autre: "Autre",
}
KIND_TYPOLOGY = {  # the typology a site's kind implies while none is ticked
    "france_services": Typology.RFS,
    "centre_social": Typology.CS,
    "mediatheque": Typology.BIB,
    "epn": Typology.EPN,
    "bus_itinerant": Typology.ENM,
    "association": Typology.ASSO,
}


class Service(StrEnum):
    demarches = "Aide aux démarches administratives"
    quotidien = "Maîtrise des outils numériques du quotidien"
    insertion = "Insertion professionnelle via le numérique"
    securite = "Utilisation sécurisée du numérique"
    parentalite = "Parentalité et éducation avec le numérique"
    loisirs = "Loisirs et créations numériques"
    comprehension = "Compréhension du monde numérique"
    acces = "Accès internet et matériel informatique"
    materiel = "Acquisition de matériel informatique à prix solidaire"


class Public(StrEnum):
    jeunes = "Jeunes"
    etudiants = "Étudiants"
    familles = "Familles et/ou enfants"
    seniors = "Seniors"
    femmes = "Femmes"


class SpecificSupport(StrEnum):
    surdite = "Surdité"
    moteur = "Handicaps moteurs"
    mental = "Handicaps mentaux"
    illettrisme = "Illettrisme"
    anglais = "Langues étrangères (anglais)"
    langues = "Langues étrangères (autres)"
    visuel = "Déficience visuelle"


class Fee(StrEnum):
    gratuit = "Gratuit"
    sous_condition = "Gratuit sous condition"
    payant = "Payant"


class AccessMode(StrEnum):
    se_presenter = "Se présenter"
    telephoner = "Téléphoner"
    courriel = "Contacter par mail"
    rdv_en_ligne = "Prendre un RDV en ligne"
    pas_de_public = "Ce lieu n'accueille pas de public"
    prescription = "Envoyer un mail avec une fiche de prescription"


class SupportMode(StrEnum):
    autonomie = "En autonomie"
    individuel = "Accompagnement individuel"
    collectif = "Dans un atelier collectif"
    distance = "À distance"


class Programme(StrEnum):
    aidants_connect = "Aidants Connect"
    bnr = "Bibliothèques numérique de référence"
    pix = "Certification PIX"
    conseillers_numeriques = "Conseillers numériques"
    emmaus_connect = "Emmaüs Connect"
    france_services = "France Services"
    gen = "Grande école du numérique"
    croix_rouge = "La Croix Rouge"
    pan_caf = "Point d'accès numérique CAF"
    promeneurs = "Promeneurs du net"
    relais = "Relais numérique (Emmaüs Connect)"


_BY_LABEL = sorted(TYPOLOGY_LABELS, key=lambda t: (t == Typology.Autre, TYPOLOGY_LABELS[t]))
# The site's lists: column name, French legend of the form's fieldset, its values with their labels.
LISTS: dict[str, tuple[str, dict[str, str]]] = {
    "typologies": ("Typologie nationale du lieu", {t.value: TYPOLOGY_LABELS[t] for t in _BY_LABEL}),
    "services": ("Services proposés", {s.value: s.value for s in Service}),
    "support_modes": ("Modalités d'accompagnement", {s.value: s.value for s in SupportMode}),
    "access_modes": ("Modalités d'accès", {s.value: s.value for s in AccessMode}),
    "publics": ("Publics spécifiquement accueillis", {s.value: s.value for s in Public}),
    "specific_support": ("Prise en charge spécifique", {s.value: s.value for s in SpecificSupport}),
    "fees": ("Frais à charge", {s.value: s.value for s in Fee}),
    "national_programmes": ("Dispositifs et programmes nationaux", {s.value: s.value for s in Programme}),
}
