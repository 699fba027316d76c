"""The two built-in frameworks (DESIGN §4), version 1 of each, in the shape the upload API accepts.

Seeded by a migration. Version 1 is frozen: a change here must come with a migration that adds
version 2, never with an edit of what version 1 seeded.
"""

from __future__ import annotations

AUTONOMY_SCALE = [
    {"level": 0, "code": "non_acquis", "label": "Non acquis"},
    {"level": 1, "code": "entierement_accompagne", "label": "Entièrement accompagné"},
    {"level": 2, "code": "partiellement_autonome", "label": "Partiellement autonome"},
    {"level": 3, "code": "autonome", "label": "Autonome"},
]
AUTONOMOUS_LEVEL = 3


def _everyday(code, domain, label, socle, crcn, topics):
    domain_code, domain_label = domain
    return {
        "code": code,
        "domain_code": domain_code,
        "domain_label": domain_label,
        "label": label,
        "socle": socle,
        "crcn_codes": crcn,
        "topics": topics,
    }


EQUIPMENT = ("equipement", "Équipement et navigation")
COMMUNICATION = ("communication", "Communication")
PROCEDURES = ("demarches", "Démarches et services en ligne")
SAFETY = ("securite", "Sécurité et données")

EVERYDAY = {
    "code": "autonomie_quotidien",
    "name": "Autonomie numérique du quotidien",
    "description": "Les gestes numériques de la vie courante, évalués sur l'échelle nationale d'autonomie.",
    "is_default": True,
    "scale": AUTONOMY_SCALE,
    "competences": [
        _everyday("appareil", EQUIPMENT, "Prendre en main un ordinateur, un smartphone ou une tablette", True,
                  ["5.2"], ["prendre_en_main_du_materiel"]),
        _everyday("navigation", EQUIPMENT, "Naviguer et rechercher une information sur internet", True,
                  ["1.1"], ["navigation_sur_internet"]),
        _everyday("courriel", COMMUNICATION, "Envoyer et recevoir des courriels, avec une pièce jointe", True,
                  ["2.1"], ["email"]),
        _everyday("comptes", SAFETY, "Créer et gérer ses comptes en ligne et ses mots de passe", True,
                  ["4.1", "4.2"], ["securite_numerique"]),
        _everyday("demarche", PROCEDURES, "Réaliser une démarche en ligne (CAF, impôts, ameli, ANTS…)", True,
                  ["1.1", "2.4"], ["aide_aux_demarches_administratives"]),
        _everyday("arnaques", SAFETY, "Reconnaître les arnaques et protéger ses données personnelles", True,
                  ["4.1", "4.2"], ["securite_numerique"]),
        _everyday("documents", EQUIPMENT, "Stocker, numériser et envoyer des documents", False,
                  ["1.2", "3.1"], ["gere_ses_contenus_numeriques"]),
        _everyday("visio", COMMUNICATION, "Passer un appel vidéo", False, ["2.1"], ["reseaux_sociaux"]),
        _everyday("sante", PROCEDURES, "Utiliser les services de santé en ligne (Mon espace santé, rendez-vous)",
                  False, ["2.4", "4.2"], ["sante"]),
        _everyday("banque", PROCEDURES, "Gérer sa banque et ses achats en ligne", False,
                  ["2.4", "4.1"], ["banque_et_achats_en_ligne"]),
        _everyday("emploi", PROCEDURES, "Chercher un emploi ou une formation en ligne", False,
                  ["1.1", "2.4"], ["insertion_professionnelle"]),
        _everyday("bureautique", COMMUNICATION, "Rédiger et mettre en forme un document", False,
                  ["3.1"], ["bureautique"]),
    ],
}  # fmt: skip

CRCN_DOMAINS = {
    "1": "Informations et données",
    "2": "Communication et collaboration",
    "3": "Création de contenus",
    "4": "Protection et sécurité",
    "5": "Environnement numérique",
}
CRCN_COMPETENCES = [
    ("1.1", "Mener une recherche et une veille d'information"),
    ("1.2", "Gérer des données"),
    ("1.3", "Traiter des données"),
    ("2.1", "Interagir"),
    ("2.2", "Partager et publier"),
    ("2.3", "Collaborer"),
    ("2.4", "S'insérer dans le monde numérique"),
    ("3.1", "Développer des documents textuels"),
    ("3.2", "Développer des documents multimédia"),
    ("3.3", "Adapter les documents à leur finalité"),
    ("3.4", "Programmer"),
    ("4.1", "Sécuriser l'environnement numérique"),
    ("4.2", "Protéger les données personnelles et la vie privée"),
    ("4.3", "Protéger la santé, le bien-être et l'environnement"),
    ("5.1", "Résoudre des problèmes techniques"),
    ("5.2", "Évoluer dans un environnement numérique"),
]
CRCN_LEVEL_NAMES = [
    "Non acquis",
    "Novice",
    "Novice",
    "Indépendant",
    "Indépendant",
    "Avancé",
    "Avancé",
    "Expert",
    "Expert",
]

CRCN = {
    "code": "crcn",
    "name": "CRCN — Cadre de référence des compétences numériques",
    "description": "Le référentiel national que Pix certifie : 5 domaines, 16 compétences, niveaux 0 à 8.",
    "is_default": False,
    "scale": [
        {"level": level, "code": f"niveau_{level}", "label": name if level == 0 else f"Niveau {level} ({name})"}
        for level, name in enumerate(CRCN_LEVEL_NAMES)
    ],
    "competences": [
        {
            "code": code,
            "domain_code": code.split(".")[0],
            "domain_label": CRCN_DOMAINS[code.split(".")[0]],
            "label": label,
            "socle": False,
            "crcn_codes": [code],
            "topics": [],
        }
        for code, label in CRCN_COMPETENCES
    ],
}

BUILTIN = [EVERYDAY, CRCN]
