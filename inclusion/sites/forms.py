"""The site form: one text field of opening hours per weekday, e.g. « 09:00-12:00, 14:00-17:30 »."""

from __future__ import annotations

import re
from typing import Any

from inclusion.errors import InvalidData
from inclusion.sites.schemas import Weekday
from inclusion.sites.standard import LISTS

_SLOT = re.compile(r"^(\d{1,2})(?:[:h](\d{2})?)?\s*[-–à]\s*(\d{1,2})(?:[:h](\d{2})?)?$")
FIELDS = ("name", "kind", "address", "postal_code", "city", "insee_code", "siret", "rna", "address_complement")
FIELDS += ("summary", "phone", "email", "website")
COORDINATES = ("latitude", "longitude")


def _time(hours: str, minutes: str | None) -> str:
    return f"{int(hours):02d}:{minutes or '00'}"


def parse_hours(form: Any) -> tuple[list[dict[str, str]], dict[str, str]]:
    slots, errors = [], {}
    for day in Weekday:
        text = str(form.get(f"hours_{day.value}", "")).strip()
        for part in filter(None, (piece.strip() for piece in text.split(","))):
            match = _SLOT.match(part)
            if not match:
                errors[f"hours_{day.value}"] = "Format attendu : 09:00-12:00, 14:00-17:30."
                break
            h1, m1, h2, m2 = match.groups()
            slots.append({"day": day.value, "opens": _time(h1, m1), "closes": _time(h2, m2)})
    return slots, errors


def site_values(form: Any) -> dict[str, Any]:
    """The form's values, shaped like SiteCreate; raises InvalidData for unreadable hours."""
    slots, errors = parse_hours(form)
    if errors:
        raise InvalidData(errors)
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in FIELDS}
    values["siret"] = values["siret"] or None
    values["rna"] = values["rna"] or None
    for name in COORDINATES:  # « 50,7081 » as typed on a French keyboard
        values[name] = str(form.get(name, "")).strip().replace(",", ".") or None
    for name in LISTS:
        values[name] = [str(value) for value in form.getall(name, [])]
    values["itinerant"] = form.get("itinerant") == "on"
    values["opening_hours"] = slots
    return values


def hours_text(opening_hours: list[dict[str, str]]) -> dict[str, str]:
    """Opening hours as the form shows them, keyed by weekday."""
    by_day: dict[str, list[str]] = {day.value: [] for day in Weekday}
    for slot in opening_hours:
        by_day[slot["day"]].append(f"{slot['opens']}-{slot['closes']}")
    return {day: ", ".join(parts) for day, parts in by_day.items()}


def field_of(error_field: str) -> str:
    """Map an API field path (opening_hours[2]) to the form field that shows it."""
    return "hours" if error_field.startswith("opening_hours") else error_field.split("[")[0]
