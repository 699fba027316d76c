"""What a report prints, made from the exact value: counts, hours and rates are fractions here, rounded once, for
the text only (43/62 reads "69,4 %", never the "69,3 %" of a value already rounded to 69.35 %). JSON carries
rounded floats beside the text; the text is right.

The hidden-cell mark is one for every hidden cell, primary or complementary: "s" (secret statistique)."""

from __future__ import annotations

import functools
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

MARK = "s"
Z95 = Decimal("1.959963984540054")  # two-sided 95 %


def _decimal(value: Fraction | int, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    value = Fraction(value)
    with localcontext(prec=60):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def number(value: int | float | Fraction, places: int = 2) -> str:
    """French display: 1234 → "1234", 1088 h 20 min (65300/60) → "1088,33", 12.5 → "12,5"."""
    if isinstance(value, int):
        return str(value)
    text = f"{_decimal(Fraction(value), places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def json_number(value: int | float | Fraction, places: int = 2) -> int | float:
    """The value for JSON: integers stay integers, fractions become floats rounded to `places` decimals."""
    if isinstance(value, int):
        return value
    return float(_decimal(Fraction(value), places))


def percent(value: Fraction | Decimal, rounding: str = ROUND_HALF_UP) -> str:
    """A share (0 to 1) as "69,4 %", one decimal, rounded once from the exact value."""
    hundredfold = Fraction(value) * 100
    return f"{_decimal(hundredfold, 1, rounding):f}".replace(".", ",") + " %"


def wilson(successes: int, trials: int) -> tuple[Decimal, Decimal]:
    """The 95 % Wilson score interval of successes / trials (trials > 0), to 50 significant digits."""
    with localcontext(prec=50):
        n = Decimal(trials)
        p = Decimal(successes) / n
        z2 = Z95 * Z95
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = Z95 * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt() / denominator
        return max(Decimal(0), centre - half), min(Decimal(1), centre + half)


def rounded(value: Fraction | Decimal, places: int = 4) -> float:
    return float(_decimal(Fraction(value), places))


def rate(numerator: int, total: int, interval: bool) -> dict:
    """A published rate: its value (4 decimals), its 95 % Wilson interval if asked, and its text. (Remembered:
    a national report asks the same small fractions tens of thousands of times.)"""
    value, low, high, display = _rate(numerator, total, interval)
    return {"value": value, "low": low, "high": high, "display": display, "at_least": None, "at_most": None}


@functools.lru_cache(maxsize=65536)
def _rate(numerator: int, total: int, interval: bool) -> tuple[float, float | None, float | None, str]:
    share = Fraction(numerator, total)
    display = percent(share)
    low = high = None
    if interval:
        lower, upper = wilson(numerator, total)
        low, high = rounded(lower), rounded(upper)
        display += f" [{percent(lower)[:-2]} – {percent(upper)[:-2]}]"
    return rounded(share), low, high, display


def bounded_rate(total: int, small_numerator: bool, small_rest: bool, k: int) -> dict:
    """A rate whose count is hidden, shown as the bound the published total and the rule "a hidden count below K
    holds at most K − 1" imply: "≥ 85,0 %" when the rest is below K, "≤ 9,1 %" when the count is; else "s"."""
    at_least = Fraction(total - (k - 1), total) if small_rest else None
    at_most = Fraction(k - 1, total) if small_numerator else None
    if at_least is not None and at_least <= 0:
        at_least = None
    if at_most is not None and at_most >= 1:
        at_most = None
    found = {"value": None, "low": None, "high": None, "display": MARK, "at_least": None, "at_most": None}
    if at_least is not None:
        found["at_least"] = float(_decimal(at_least, 4, ROUND_FLOOR))
    if at_most is not None:
        found["at_most"] = float(_decimal(at_most, 4, ROUND_CEILING))
    if at_least is not None and at_most is not None:
        low, high = percent(at_least, ROUND_FLOOR), percent(at_most, ROUND_CEILING)
        found["display"] = f"entre {low} et {high}"
    elif at_least is not None:
        found["display"] = f"≥ {percent(at_least, ROUND_FLOOR)}"
    elif at_most is not None:
        found["display"] = f"≤ {percent(at_most, ROUND_CEILING)}"
    return found
