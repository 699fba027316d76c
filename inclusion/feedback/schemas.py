from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta, Struct

Key = Annotated[str, Meta(min_length=8, max_length=64, description="La clé d'un affichage du questionnaire")]


class OptionOut(Struct):
    code: str
    label: str
    picto: str
    positive: bool


class QuestionOut(Struct):
    code: str
    role: str
    kind: str
    label: str
    options: list[OptionOut] = msgspec.field(default_factory=list)
    hint: str = ""
    max_length: int | None = None


class FeedbackFormOut(Struct):
    id: int
    code: str
    version: int
    is_current: bool
    title: str
    questions: list[QuestionOut]


class FeedbackSubmit(Struct, forbid_unknown_fields=True):
    """An answer: each choice question's option code by question code (`commentaire` optional), and the key of
    the display it answers (`GET .../feedback/key`): sent twice, it is counted once."""

    key: Key
    answers: dict[Annotated[str, Meta(max_length=32)], Annotated[str, Meta(max_length=4000)]]


class FeedbackKey(Struct):
    key: str


class LinkOut(Struct):
    id: int
    url: str
    created_at: datetime
    expires_at: datetime
    max_answers: int
    answers: int
    open: bool


class ActivityFeedbackOut(Struct):
    """What an activity received: never what was answered (answers keep no trace of their activity)."""

    activity_id: int
    offered: bool
    participants: int
    answers: int
    links: list[LinkOut] | None = None
