"""HTML forms: convert to the same msgspec structs as the API, with the same French field messages."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from inclusion.errors import InvalidData
from inclusion.web.validation_messages import translate

T = TypeVar("T")
_AT = re.compile(r"^(.*) - at `\$\.?(.*)`$")


def convert_form(values: dict[str, Any], struct: type[T]) -> T:
    """Build `struct` from form values, raising InvalidData with per-field French messages."""
    try:
        return msgspec.convert(values, struct, strict=False)
    except msgspec.ValidationError as error:
        match = _AT.match(str(error))
        message, key = (match.group(1), match.group(2)) if match else (str(error), "")
        field, french = translate(message, key)
        raise InvalidData({field or "form": french}) from None
