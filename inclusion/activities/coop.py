"""La Coop de la médiation numérique's words for our stored values: its export's columns and labels, shared by the
Coop export (`coop_export`) and the import of a Coop export (`coop_import`). The stored values are already the
Coop's; only the labels of its export differ here and there from the pages' (typographic apostrophes, "Non
communiqué ou hétérogène", stars for autonomy and level)."""

from __future__ import annotations

from inclusion import vocabulary as v

HEADER = [
    "Date", "Enregistré le", "Dernière modification le", "Prénom du médiateur", "Nom du médiateur", "Rôle",
    "ID - Conum", "Type", "Participants", "Bénéficiaire", "Canaux d’accompagnement", "Nom du lieu", "Adresse",
    "Commune", "Code postal", "Code Insee", "Durée (min)", "Nom de l’atelier", "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement", "Tags", "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)", "Bénéficiaire réorienté", "Structure de redirection",
    "Commune du bénéficiaire", "Code postal du bénéficiaire", "Code Insee du bénéficiaire", "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire", "Statut du bénéficiaire", "Notes supplémentaires", "ID CRA",
]  # fmt: skip
"""The Coop's columns for an export of a team's activities with the adviser's own columns (beneficiary's name,
notes): staff who export here may read the records."""

ANONYMOUS = "Bénéficiaire anonyme"
ROLE = "Médiateur"  # we do not know who is a conseiller numérique: the Coop's other role
LINE_BREAK = "\n"  # between the values of one cell (devices, topics), as the Coop writes them
YES_NO = {True: "Oui", False: "Non"}
TYPES = {v.ActivityType.individuel: "Accompagnement individuel", v.ActivityType.collectif: "Atelier collectif"}
PLACES = {
    v.Place.lieu_activite: "Lieu d’activité",
    v.Place.autre: "Autre lieu",
    v.Place.domicile: "À domicile",
    v.Place.a_distance: "À distance",
}
REFERRALS = {key: label.replace("'", "’") for key, label in v.REFERRAL_LABELS.items()}
TOPICS = {**v.DIGITAL_TOPIC_LABELS, **v.ADMIN_TOPIC_LABELS}
STATUSES = v.SOCIAL_STATUS_LABELS | {v.SocialStatus.non_communique: "Non communiqué ou hétérogène"}
STARS = {
    **{autonomy: f"{rank}/3" for rank, autonomy in enumerate(v.Autonomy, start=1)},
    **{level: f"{rank}/3" for rank, level in enumerate(v.WorkshopLevel, start=1)},
}


def reverse(labels: dict[str, str]) -> dict[str, str]:
    """Label → stored value, for reading a Coop export back."""
    return {label: str(value) for value, label in labels.items()}
