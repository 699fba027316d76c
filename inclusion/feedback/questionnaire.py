"""The learners' questionnaire, version 1, as data (DESIGN §7b).

Seeded by a migration. Version 1 is frozen: a change here must come with a migration that adds version 2,
never with an edit of what version 1 seeded. Words are short and plain; every option has a pictogram
(`picto`, drawn by the page), and `positive` marks the options the report counts as a good outcome.
"""

from __future__ import annotations

FORM_CODE = "qualite_service"

VERSION_1 = {
    "code": FORM_CODE,
    "version": 1,
    "title": "Votre avis sur l'aide reçue",
    "questions": [
        {
            "code": "satisfaction",
            "role": "satisfaction",
            "kind": "choice",
            "label": "L'aide reçue vous a plu ?",
            "options": [
                {"code": "tres_satisfait", "label": "Beaucoup", "picto": "face-4", "positive": True},
                {"code": "satisfait", "label": "Oui", "picto": "face-3", "positive": True},
                {"code": "peu_satisfait", "label": "Pas vraiment", "picto": "face-2", "positive": False},
                {"code": "pas_satisfait", "label": "Pas du tout", "picto": "face-1", "positive": False},
            ],
        },
        {
            "code": "besoin",
            "role": "needs_met",
            "kind": "choice",
            "label": "Vous avez obtenu ce que vous cherchiez ?",
            "options": [
                {"code": "oui", "label": "Oui", "picto": "yes", "positive": True},
                {"code": "en_partie", "label": "En partie", "picto": "partly", "positive": False},
                {"code": "non", "label": "Non", "picto": "no", "positive": False},
            ],
        },
        {
            "code": "aisance",
            "role": "at_ease",
            "kind": "choice",
            "label": "La prochaine fois, vous pourrez le faire plus facilement sans aide ?",
            "options": [
                {"code": "tout_a_fait", "label": "Oui, sûrement", "picto": "face-4", "positive": True},
                {"code": "plutot_oui", "label": "Plutôt oui", "picto": "face-3", "positive": True},
                {"code": "plutot_non", "label": "Plutôt non", "picto": "face-2", "positive": False},
                {"code": "pas_du_tout", "label": "Non", "picto": "face-1", "positive": False},
            ],
        },
        {
            "code": "commentaire",
            "role": "comment",
            "kind": "text",
            "label": "Vous voulez ajouter quelque chose ?",
            "hint": "Facultatif. N'écrivez pas de nom.",
            "max_length": 1000,
        },
    ],
}

BUILTIN = [VERSION_1]
