"""What the demo's advisers write: workshop titles and their topics, session notes, démarches, referrals, and each
site's week (when the workshops happen, which of them run as a weekly series)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from inclusion.frameworks.builtin import EVERYDAY


@dataclass(frozen=True)
class Workshop:
    title: str
    digital: tuple[str, ...]
    admin: tuple[str, ...] = ()
    level: str = "debutant"
    competence: str = ""  # who it is for: learners not yet autonomous in this competence
    anonymous: tuple[int, int] = (0, 3)  # walk-in participants without a file, at least and at most
    device: str | None = None
    months: tuple[int, ...] = ()  # only in these months (none: all year), `otherwise` in the others
    otherwise: Workshop | None = None


@dataclass(frozen=True)
class Slot:
    """A weekly workshop: its weekday (Monday = 0), time, length, the workshops it cycles through, and how many
    weeks each one runs as a series (1: a different workshop every week)."""

    weekday: int
    start: time
    minutes: int
    rotation: tuple[Workshop, ...]
    weeks: int = 1
    every: int = 1  # weeks between two occurrences (2: every other week)


SMARTPHONE = Workshop(
    "Premiers pas sur le smartphone", ("prendre_en_main_du_materiel",), competence="appareil", device="telephone"
)
CARNOT_WEEK = (
    Slot(0, time(14), 90, (
        Workshop("Café numérique : vos questions sur le smartphone", ("prendre_en_main_du_materiel",),
                 anonymous=(2, 6)),
        Workshop("Faire ses démarches CAF en ligne", ("aide_aux_demarches_administratives",), ("social_sante",),
                 competence="demarche"),
        Workshop("Créer et utiliser son compte ameli", ("sante",), ("social_sante",), competence="sante"),
        Workshop("Prendre rendez-vous chez le médecin en ligne", ("sante",), competence="sante"),
        Workshop("Trier et sauvegarder ses photos", ("gere_ses_contenus_numeriques",), competence="documents"),
        Workshop("Passer un appel vidéo avec ses proches", ("reseaux_sociaux",), competence="visio"),
    )),
    Slot(1, time(14), 120, (
        SMARTPHONE,
        Workshop("Premiers pas sur l'ordinateur", ("prendre_en_main_du_materiel",), competence="appareil"),
        Workshop("Internet et messagerie : les bases", ("navigation_sur_internet", "email"), competence="courriel"),
        Workshop("Aller plus loin avec son smartphone", ("prendre_en_main_du_materiel", "gere_ses_contenus_numeriques"),
                 level="intermediaire", competence="appareil"),
    ), weeks=4),
    Slot(3, time(9, 30), 120, (
        Workshop("Sécuriser ses comptes", ("securite_numerique",), competence="comptes"),
        Workshop("Reconnaître les arnaques en ligne", ("securite_numerique",), competence="arnaques"),
        Workshop("Envoyer un courriel avec une pièce jointe", ("email",), competence="courriel"),
        Workshop("Découvrir l'intelligence artificielle", ("intelligence_artificielle", "culture_numerique"),
                 level="intermediaire"),
        Workshop("Acheter en ligne en toute sécurité", ("banque_et_achats_en_ligne", "securite_numerique"),
                 competence="banque"),
        Workshop("Se connecter avec FranceConnect", ("aide_aux_demarches_administratives", "securite_numerique"),
                 ("papiers_elections_citoyennete",), competence="demarche"),
    )),
    Slot(4, time(10), 120, (
        Workshop("Déclarer ses impôts en ligne", ("aide_aux_demarches_administratives",), ("argent_impots",),
                 competence="demarche", months=(4, 5, 6), otherwise=Workshop(
                     "Impôts en ligne : son espace particulier", ("aide_aux_demarches_administratives",),
                     ("argent_impots",), competence="demarche")),
        Workshop("Chercher un emploi en ligne", ("insertion_professionnelle",), ("travail_formation",),
                 competence="emploi"),
        Workshop("Rédiger son CV sur ordinateur", ("bureautique", "insertion_professionnelle"), ("travail_formation",),
                 level="intermediaire", competence="bureautique"),
        Workshop("Mon espace santé : mode d'emploi", ("sante",), ("social_sante",), competence="sante"),
    )),
)  # fmt: skip
BUS_WEEK = (
    Slot(2, time(14), 90, (
        Workshop("Découvrir sa tablette", ("prendre_en_main_du_materiel",), competence="appareil", anonymous=(2, 5)),
        Workshop("Faire sa pré-demande de carte d'identité en ligne", ("aide_aux_demarches_administratives",),
                 ("papiers_elections_citoyennete",), competence="demarche", anonymous=(1, 4)),
        Workshop("Reconnaître les arnaques en ligne", ("securite_numerique",), competence="arnaques", anonymous=(2, 5)),
    ), every=2),
)  # fmt: skip

TOPIC_OF = {competence["code"]: competence["topics"][0] for competence in EVERYDAY["competences"]}
DEMARCHES = (  # administrative topic, note the adviser writes, weight
    ("social_sante", "Déclaration trimestrielle CAF faite ensemble.", 5),
    ("social_sante", "Création de l'espace ameli, mot de passe noté dans le carnet.", 3),
    ("argent_impots", "Accès à l'espace particulier impots.gouv.fr, avis d'imposition téléchargé.", 3),
    ("papiers_elections_citoyennete", "Pré-demande de carte d'identité sur le site de l'ANTS.", 2),
    ("transports_mobilite", "Demande de certificat d'immatriculation (carte grise).", 1),
    ("travail_formation", "Actualisation France Travail et consultation des offres.", 3),
    ("logement", "Demande de logement social en ligne.", 1),
    ("famille_scolarite", "Connexion à Pronote pour suivre la scolarité des enfants.", 1),
    ("social_sante", "Demande de complémentaire santé solidaire.", 1),
)
PROCEDURE_NAMES = {  # the démarche's name (La Coop's `precisions_demarche`), by the note of DEMARCHES
    "Déclaration trimestrielle CAF faite ensemble.": "Déclaration trimestrielle RSA",
    "Création de l'espace ameli, mot de passe noté dans le carnet.": "Compte ameli",
    "Accès à l'espace particulier impots.gouv.fr, avis d'imposition téléchargé.": "Avis d'imposition",
    "Pré-demande de carte d'identité sur le site de l'ANTS.": "Pré-demande de carte d'identité",
    "Demande de certificat d'immatriculation (carte grise).": "Carte grise",
    "Actualisation France Travail et consultation des offres.": "Actualisation mensuelle",
    "Demande de logement social en ligne.": "Demande de logement social",
    "Connexion à Pronote pour suivre la scolarité des enfants.": "Pronote",
    "Demande de complémentaire santé solidaire.": "Complémentaire santé solidaire",
}
PARTNERS = {  # the France Services partner a démarche of DEMARCHES concerned, by its note (none: no partner)
    "Déclaration trimestrielle CAF faite ensemble.": "cnaf",
    "Création de l'espace ameli, mot de passe noté dans le carnet.": "cnam",
    "Accès à l'espace particulier impots.gouv.fr, avis d'imposition téléchargé.": "dgfip",
    "Pré-demande de carte d'identité sur le site de l'ANTS.": "france_titres",
    "Demande de certificat d'immatriculation (carte grise).": "france_titres",
    "Actualisation France Travail et consultation des offres.": "france_travail",
    "Demande de complémentaire santé solidaire.": "cnam",
}
REFERRALS = (  # type, to whom, why
    ("operateur_ou_organisme_en_charge", "CAF du Pas-de-Calais", "Dossier bloqué : rendez-vous au guichet."),
    ("aide_sociale", "CCAS du Portel", "Difficultés pour payer l'abonnement internet."),
    ("insertion_professionnelle", "France Travail Boulogne-sur-Mer", "Accompagnement vers l'emploi."),
    ("administration", "Centre des finances publiques de Boulogne-sur-Mer", "Question sur un avis d'imposition."),
    ("mediation_numerique", "Médiathèque du Portel", "Accès libre à un ordinateur entre deux séances."),
)
SESSION_NOTES = (
    "Installation de l'application de la banque sur son téléphone.",
    "Création d'une adresse e-mail et premier envoi.",
    "Réglage de la taille du texte sur le smartphone.",
    "Numérisation de documents avec le téléphone.",
    "Mise à jour des mots de passe importants.",
    "Prise de rendez-vous sur Doctolib.",
)
BUS_STOPS = {  # INSEE code: the stop's weekday (Monday = 0) and what the session's note says
    "62773": (0, "Arrêt de Samer, place du Marché."),
    "62268": (2, "Arrêt de Desvres, parking de la mairie."),
    "62560": (3, "Arrêt de Marquise, place Louis-Blanc."),
    "62893": (3, "Arrêt de Wimille, devant la salle des fêtes."),
}
