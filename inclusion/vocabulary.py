"""Stored values of the national activity model (DESIGN §3), with their French labels."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class AgeBand(StrEnum):
    moins_de_douze = "moins_de_douze"
    douze_dix_huit = "douze_dix_huit"
    dix_huit_vingt_quatre = "dix_huit_vingt_quatre"
    vingt_cinq_trente_neuf = "vingt_cinq_trente_neuf"
    quarante_cinquante_neuf = "quarante_cinquante_neuf"
    soixante_soixante_neuf = "soixante_soixante_neuf"
    soixante_dix_plus = "soixante_dix_plus"
    non_communique = "non_communique"


AGE_BAND_LABELS = {
    AgeBand.moins_de_douze: "Moins de 12 ans",
    AgeBand.douze_dix_huit: "12 - 17 ans",
    AgeBand.dix_huit_vingt_quatre: "18 - 24 ans",
    AgeBand.vingt_cinq_trente_neuf: "25 - 39 ans",
    AgeBand.quarante_cinquante_neuf: "40 - 59 ans",
    AgeBand.soixante_soixante_neuf: "60 - 69 ans",
    AgeBand.soixante_dix_plus: "70 ans et plus",
    AgeBand.non_communique: "Non communiqué",
}


class Gender(StrEnum):
    masculin = "masculin"
    feminin = "feminin"
    non_communique = "non_communique"


def accord(person: Any, masculine: str, feminine: str, neutral: str) -> str:
    """Words that agree with a person's recorded gender (`person`: a record with a "gender", or the gender
    itself): `masculine` or `feminine`; where it is not known, `neutral`, a wording that needs no agreement, never
    "inscrit(e)". In templates: `{{ accord(learner, "Inscrit le", "Inscrite le", "Première venue") }}`."""
    gender = person.get("gender") if isinstance(person, Mapping) else person
    return masculine if gender == Gender.masculin else feminine if gender == Gender.feminin else neutral


GENDER_LABELS = {Gender.masculin: "Masculin", Gender.feminin: "Féminin", Gender.non_communique: "Non communiqué"}


class SocialStatus(StrEnum):
    scolarise = "scolarise"
    sans_emploi = "sans_emploi"
    en_emploi = "en_emploi"
    retraite = "retraite"
    non_communique = "non_communique"


SOCIAL_STATUS_LABELS = {
    SocialStatus.scolarise: "Scolarisé",
    SocialStatus.sans_emploi: "Sans emploi",
    SocialStatus.en_emploi: "En emploi",
    SocialStatus.retraite: "Retraité",
    SocialStatus.non_communique: "Non communiqué",
}


class DigitalTopic(StrEnum):
    diagnostic_numerique = "diagnostic_numerique"
    prendre_en_main_du_materiel = "prendre_en_main_du_materiel"
    maintenance_de_materiel = "maintenance_de_materiel"
    gere_ses_contenus_numeriques = "gere_ses_contenus_numeriques"
    navigation_sur_internet = "navigation_sur_internet"
    email = "email"
    bureautique = "bureautique"
    reseaux_sociaux = "reseaux_sociaux"
    sante = "sante"
    banque_et_achats_en_ligne = "banque_et_achats_en_ligne"
    entrepreneuriat = "entrepreneuriat"
    insertion_professionnelle = "insertion_professionnelle"
    securite_numerique = "securite_numerique"
    parentalite = "parentalite"
    scolarite_et_numerique = "scolarite_et_numerique"
    creer_avec_le_numerique = "creer_avec_le_numerique"
    culture_numerique = "culture_numerique"
    intelligence_artificielle = "intelligence_artificielle"
    aide_aux_demarches_administratives = "aide_aux_demarches_administratives"


def age_band_for(birth_year: int, in_year: int) -> AgeBand:
    """The national age band of someone born in `birth_year`, counted in `in_year`."""
    age = in_year - birth_year
    for upper, band in (
        (12, AgeBand.moins_de_douze),
        (18, AgeBand.douze_dix_huit),
        (25, AgeBand.dix_huit_vingt_quatre),
        (40, AgeBand.vingt_cinq_trente_neuf),
        (60, AgeBand.quarante_cinquante_neuf),
        (70, AgeBand.soixante_soixante_neuf),
    ):
        if age < upper:
            return band
    return AgeBand.soixante_dix_plus


class ActivityType(StrEnum):
    individuel = "individuel"
    collectif = "collectif"


class AdminTopic(StrEnum):
    papiers_elections_citoyennete = "papiers_elections_citoyennete"
    famille_scolarite = "famille_scolarite"
    social_sante = "social_sante"
    travail_formation = "travail_formation"
    logement = "logement"
    transports_mobilite = "transports_mobilite"
    argent_impots = "argent_impots"
    justice = "justice"
    etrangers_europe = "etrangers_europe"
    loisirs_sports_culture = "loisirs_sports_culture"
    associations = "associations"


class Autonomy(StrEnum):
    entierement_accompagne = "entierement_accompagne"
    partiellement_autonome = "partiellement_autonome"
    autonome = "autonome"


class WorkshopLevel(StrEnum):
    debutant = "debutant"
    intermediaire = "intermediaire"
    avance = "avance"


class Place(StrEnum):
    lieu_activite = "lieu_activite"
    domicile = "domicile"
    a_distance = "a_distance"
    autre = "autre"


class Device(StrEnum):
    ordinateur = "ordinateur"
    telephone = "telephone"
    tablette = "tablette"
    autre = "autre"
    aucun = "aucun"


class ReferralType(StrEnum):
    administration = "administration"
    mediation_numerique = "mediation_numerique"
    operateur_ou_organisme_en_charge = "operateur_ou_organisme_en_charge"
    aide_sociale = "aide_sociale"
    insertion_professionnelle = "insertion_professionnelle"
    aide_aux_demarches_administratives = "aide_aux_demarches_administratives"
    autre = "autre"


DIGITAL_TOPIC_LABELS = {
    DigitalTopic.diagnostic_numerique: "Diagnostic numérique",
    DigitalTopic.prendre_en_main_du_materiel: "Prendre en main du matériel",
    DigitalTopic.maintenance_de_materiel: "Maintenance de matériel",
    DigitalTopic.gere_ses_contenus_numeriques: "Gérer ses contenus numériques",
    DigitalTopic.navigation_sur_internet: "Navigation sur internet",
    DigitalTopic.email: "E-mail",
    DigitalTopic.bureautique: "Bureautique",
    DigitalTopic.reseaux_sociaux: "Réseaux sociaux communication",
    DigitalTopic.sante: "Santé",
    DigitalTopic.banque_et_achats_en_ligne: "Banque et achats en ligne",
    DigitalTopic.entrepreneuriat: "Accompagner un professionnel",
    DigitalTopic.insertion_professionnelle: "Insertion professionnelle",
    DigitalTopic.securite_numerique: "Prévention en sécurité numérique",
    DigitalTopic.parentalite: "Parentalité",
    DigitalTopic.scolarite_et_numerique: "Scolarité et numérique",
    DigitalTopic.creer_avec_le_numerique: "Créer avec le numérique",
    DigitalTopic.culture_numerique: "Culture numérique",
    DigitalTopic.intelligence_artificielle: "Intelligence artificielle (IA)",
    DigitalTopic.aide_aux_demarches_administratives: "Aide aux démarches administratives",
}
ADMIN_TOPIC_LABELS = {
    AdminTopic.papiers_elections_citoyennete: "Papiers - Élections - Citoyenneté",
    AdminTopic.famille_scolarite: "Famille - Scolarité",
    AdminTopic.social_sante: "Social - Santé",
    AdminTopic.travail_formation: "Travail - Formation - Entreprise",
    AdminTopic.logement: "Logement",
    AdminTopic.transports_mobilite: "Transports - Mobilité",
    AdminTopic.argent_impots: "Argent - Impôts",
    AdminTopic.justice: "Justice",
    AdminTopic.etrangers_europe: "Étrangers - Europe",
    AdminTopic.loisirs_sports_culture: "Loisirs - Sports - Culture",
    AdminTopic.associations: "Associations",
}
ACTIVITY_TYPE_LABELS = {
    ActivityType.collectif: "Atelier collectif",
    ActivityType.individuel: "Accompagnement individuel",
}
AUTONOMY_LABELS = {
    Autonomy.entierement_accompagne: "Avec guidage",
    Autonomy.partiellement_autonome: "Autonome avec guidage en cas de besoin",
    Autonomy.autonome: "Autonome",
}
LEVEL_LABELS = {
    WorkshopLevel.debutant: "Débutant",
    WorkshopLevel.intermediaire: "Intermédiaire",
    WorkshopLevel.avance: "Avancé",
}
PLACE_LABELS = {
    Place.lieu_activite: "Lieu d'activité",
    Place.domicile: "À domicile",
    Place.a_distance: "À distance",
    Place.autre: "Autre lieu",
}
DEVICE_LABELS = {
    Device.ordinateur: "Ordinateur",
    Device.telephone: "Téléphone",
    Device.tablette: "Tablette",
    Device.autre: "Autre",
    Device.aucun: "Pas de matériel",
}
REFERRAL_LABELS = {
    ReferralType.administration: "Administration (mairie, préfecture…)",
    ReferralType.mediation_numerique: "Autre structure de médiation numérique",
    ReferralType.operateur_ou_organisme_en_charge: ("Opérateur ou organisme en charge de la démarche administrative"),
    ReferralType.aide_sociale: "Structure d'aide sociale (maison des solidarités, centre social…)",
    ReferralType.insertion_professionnelle: (
        "Structure d'insertion professionnelle (France Travail, mission locale, chambre de commerce…)"
    ),
    ReferralType.aide_aux_demarches_administratives: (
        "Structure d'aide aux démarches administratives (France Services…)"
    ),
    ReferralType.autre: "Autre",
}


class Partner(StrEnum):
    """The France Services partner a démarche concerned (the national network's operators)."""

    cnaf = "cnaf"
    cnam = "cnam"
    cnav = "cnav"
    msa = "msa"
    france_travail = "france_travail"
    la_poste = "la_poste"
    dgfip = "dgfip"
    justice = "justice"
    france_titres = "france_titres"
    autre = "autre"


PARTNER_LABELS = {
    Partner.cnaf: "CNAF (Caf)",
    Partner.cnam: "CNAM (Assurance Maladie)",
    Partner.cnav: "CNAV (Assurance retraite)",
    Partner.msa: "MSA",
    Partner.france_travail: "France Travail",
    Partner.la_poste: "La Poste",
    Partner.dgfip: "DGFiP (impôts)",
    Partner.justice: "Justice",
    Partner.france_titres: "France Titres (ANTS)",
    Partner.autre: "Autre partenaire",
}


class VoucherStatus(StrEnum):
    """A Pass numérique voucher's life (DESIGN §5)."""

    in_stock = "in_stock"
    issued = "issued"
    redeemed = "redeemed"
    claimed = "claimed"
    reimbursed = "reimbursed"
    expired = "expired"
    cancelled = "cancelled"


VOUCHER_STATUS_LABELS = {
    VoucherStatus.in_stock: "En stock",
    VoucherStatus.issued: "Remis",
    VoucherStatus.redeemed: "Utilisé",
    VoucherStatus.claimed: "Réclamé",
    VoucherStatus.reimbursed: "Remboursé",
    VoucherStatus.expired: "Expiré",
    VoucherStatus.cancelled: "Annulé",
}


class PrescriberType(StrEnum):
    """Who handed a booklet out."""

    caf = "caf"
    ccas = "ccas"
    mairie = "mairie"
    france_travail = "france_travail"
    departement = "departement"
    association = "association"
    autre = "autre"


PRESCRIBER_TYPE_LABELS = {
    PrescriberType.caf: "CAF",
    PrescriberType.ccas: "CCAS",
    PrescriberType.mairie: "Mairie",
    PrescriberType.france_travail: "France Travail",
    PrescriberType.departement: "Département",
    PrescriberType.association: "Association",
    PrescriberType.autre: "Autre",
}


class ClaimStatus(StrEnum):
    """A reimbursement claim: sent and waiting, or paid."""

    open = "open"
    paid = "paid"


CLAIM_STATUS_LABELS = {ClaimStatus.open: "En attente de paiement", ClaimStatus.paid: "Payée"}


class CertificateStatus(StrEnum):
    valid = "valid"
    revoked = "revoked"


CERTIFICATE_STATUS_LABELS = {CertificateStatus.valid: "Valide", CertificateStatus.revoked: "Révoquée"}
