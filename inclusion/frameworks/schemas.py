from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta, Struct

from inclusion.vocabulary import DigitalTopic

Code = Annotated[str, Meta(min_length=1, max_length=32, pattern=r"^[a-z0-9_.]+$")]


class ScaleLevel(Struct, forbid_unknown_fields=True):
    level: Annotated[int, Meta(ge=0, le=20)]
    code: Code
    label: Annotated[str, Meta(min_length=1, max_length=100)]


class CompetenceIn(Struct, forbid_unknown_fields=True):
    code: Code
    label: Annotated[str, Meta(min_length=1, max_length=300)]
    domain_code: Annotated[str, Meta(max_length=32)] = ""
    domain_label: Annotated[str, Meta(max_length=200)] = ""
    socle: bool = False
    crcn_codes: list[str] = msgspec.field(default_factory=list)
    topics: list[DigitalTopic] = msgspec.field(default_factory=list)


class FrameworkUpload(Struct, forbid_unknown_fields=True):
    """A new framework, or (same code) a new version of an existing one."""

    code: Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    scale: Annotated[list[ScaleLevel], Meta(min_length=2)]
    competences: Annotated[list[CompetenceIn], Meta(min_length=1)]
    description: Annotated[str, Meta(max_length=2000)] = ""
    is_default: bool = False


class CompetenceOut(Struct):
    id: int
    code: str
    label: str
    domain_code: str
    domain_label: str
    socle: bool
    crcn_codes: list[str]
    topics: list[str]


class VersionOut(Struct):
    id: int
    number: int
    is_current: bool
    created_at: datetime
    scale: list[ScaleLevel]
    competences: list[CompetenceOut]


class FrameworkOut(Struct):
    id: int
    code: str
    name: str
    description: str
    is_default: bool
    versions: list[VersionOut]
