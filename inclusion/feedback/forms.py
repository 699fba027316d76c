"""The questionnaire's versions, read once per process (a version never changes), and an answer checked
against one of them."""

from __future__ import annotations

from typing import Any

from inclusion.errors import InvalidData, NotFound
from inclusion.feedback.questionnaire import FORM_CODE
from inclusion.storage.tables.feedback import FeedbackForm

_versions: dict[int, dict[str, Any]] = {}

CHOOSE = "Choisissez une réponse."
OUTSIDE = "Cette réponse ne fait pas partie des choix proposés."
UNKNOWN_QUESTION = "Cette question ne fait pas partie du questionnaire."


async def all_versions() -> list[dict[str, Any]]:
    rows = await FeedbackForm.select().order_by(FeedbackForm.code).order_by(FeedbackForm.version).output(load_json=True)
    for row in rows:
        _versions.setdefault(row["id"], row)
    return rows


async def current() -> dict[str, Any]:
    """The version new answers use."""
    for row in _versions.values():
        if row["code"] == FORM_CODE and row["is_current"]:
            return row
    for row in await all_versions():
        if row["code"] == FORM_CODE and row["is_current"]:
            return row
    raise NotFound("Aucun questionnaire n'est en service.")


def checked(form: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    """The columns of an answer: what was chosen, by question code, and what the report counts.

    Every choice question must be answered with one of its options; the comment is optional, trimmed, free of
    control characters and at most its length. InvalidData names each faulty question."""
    problems: dict[str, str] = {}
    known = {question["code"] for question in form["questions"]}
    for code in answers:
        if code not in known:
            problems[f"answers.{code}"] = UNKNOWN_QUESTION
    kept: dict[str, str] = {}
    derived: dict[str, Any] = {"satisfied": None, "needs_met": None, "at_ease": None, "comment": ""}
    for question in form["questions"]:
        code = question["code"]
        given = answers.get(code)
        if question["kind"] == "text":
            text = " ".join("".join(c if c.isprintable() or c in "\n" else " " for c in (given or "")).split(" "))
            text = text.strip()
            if len(text) > question["max_length"]:
                problems[f"answers.{code}"] = f"{question['max_length']} caractères au plus."
            derived["comment"] = text
            continue
        if not given:
            problems[f"answers.{code}"] = CHOOSE
            continue
        option = next((o for o in question["options"] if o["code"] == given), None)
        if option is None:
            problems[f"answers.{code}"] = OUTSIDE
            continue
        kept[code] = given
        if question["role"] == "needs_met":
            derived["needs_met"] = given
        elif question["role"] in ("satisfaction", "at_ease"):
            derived["satisfied" if question["role"] == "satisfaction" else "at_ease"] = option["positive"]
    if problems:
        raise InvalidData(problems, "Certaines réponses manquent ou ne sont pas valides.")
    return {"answers": kept, **derived}
