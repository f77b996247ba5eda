"""Exact numbers: money in integer fen, quantities in integer 1/10,000 units.

Storing integers keeps SQL sums exact on SQLite (whose SUM over decimals returns floats) and
PostgreSQL alike. All rounding is ROUND_HALF_UP and happens here, in one place.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import DomainError

FEN = 100  # money units per yuan
QTY_SCALE = 10_000  # quantity units per unit of measure
MONEY_PLACES = Decimal("0.01")
COST_PLACES = Decimal("0.000001")


# Text a person types as a number: ASCII digits, one optional point and sign. Decimal() alone
# would also read "1_000", full-width "１２", "1e3" and "NaN" — typing slips, not amounts.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
MAX_TAX_RATE = Decimal("0.17")  # the highest VAT rate China has had; 0.5 or 13 is a typing slip


def _not_a_number(value, field: str) -> DomainError:
    shown = value[:50] if isinstance(value, str) else str(value)[:50]
    return DomainError(
        "invalid_number",
        f"{field} is not a number like 12.50: {shown!r}",
        {"field": field, "value": shown},
    )


def parse_decimal(value, field: str, places: int, *, allow_negative: bool = False) -> Decimal:
    """Parse client input (plain decimal text or a JSON number) into a Decimal with at most
    `places` decimals."""
    if value is None or isinstance(value, bool):
        raise DomainError("invalid", f"{field} is required", {"field": field}, kind="required")
    if isinstance(value, str) and not PLAIN_NUMBER.match(value.strip()):
        raise _not_a_number(value, field)
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _not_a_number(value, field) from None
    if not d.is_finite():
        raise _not_a_number(value, field)
    if abs(d) >= Decimal(10) ** 13:
        raise DomainError("invalid", f"{field} is too large", {"field": field}, kind="too_large")
    if d != d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        raise DomainError(
            "invalid",
            f"{field} has more than {places} decimal places",
            {"field": field},
            kind="decimals",
        )
    if d < 0 and not allow_negative:
        raise DomainError(
            "invalid", f"{field} must not be negative", {"field": field}, kind="negative"
        )
    return d


def parse_tax_rate(value, field: str) -> Decimal:
    """A VAT rate as a fraction (0.13), from 0 up to MAX_TAX_RATE."""
    rate = parse_decimal(value, field, 4)
    if rate > MAX_TAX_RATE:
        raise DomainError(
            "invalid_tax_rate",
            f"{field} must lie between 0 and {MAX_TAX_RATE} (e.g. 0.13)",
            {"field": field, "value": str(rate), "max": str(MAX_TAX_RATE)},
        )
    return rate


def round_half_up(value: Decimal, places: Decimal = MONEY_PLACES) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def div_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding half away from zero (ROUND_HALF_UP on magnitudes)."""
    if denominator == 0:
        raise ZeroDivisionError
    negative = (numerator < 0) != (denominator < 0)
    q, r = divmod(abs(numerator), abs(denominator))
    if 2 * r >= abs(denominator):
        q += 1
    return -q if negative else q


def to_fen(amount: Decimal) -> int:
    return int(round_half_up(amount) * FEN)


def to_qty_units(qty: Decimal) -> int:
    return int(qty * QTY_SCALE)


def fen_str(fen: int) -> str:
    return str((Decimal(fen) / FEN).quantize(MONEY_PLACES))


def fen_dec(fen: int) -> Decimal:
    return (Decimal(fen) / FEN).quantize(MONEY_PLACES)


def qty_dec(units: int) -> Decimal:
    d = Decimal(units) / QTY_SCALE
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def qty_str(units: int) -> str:
    return format(qty_dec(units), "f")


def unit_cost_str(value_fen: int, qty_units: int) -> str | None:
    """Average unit cost with 6 places, or None when there is no quantity."""
    if qty_units == 0:
        return None
    cost = (Decimal(value_fen) * QTY_SCALE) / (Decimal(qty_units) * FEN)
    return str(cost.quantize(COST_PLACES, rounding=ROUND_HALF_UP))


def money_str(d: Decimal | None) -> str | None:
    return None if d is None else str(round_half_up(d))


def price_str(d: Decimal | None) -> str | None:
    if d is None:
        return None
    d = d.normalize()
    return format(d.quantize(MONEY_PLACES) if -d.as_tuple().exponent < 2 else d, "f")


def percent_str(rate) -> str:
    """A tax rate as people type it, in percent ("0.13" → "13"); blank when there is none."""
    if rate in (None, ""):
        return ""
    return format((Decimal(str(rate)) * 100).normalize(), "f")


def grouped(value) -> str:
    """A number for people: thousands grouped, its decimals kept as given ("11636.70" →
    "11,636.70"); None is blank and anything not a number (a mask "—", a word) stays as it is."""
    if value is None:
        return ""
    text = str(value).strip()
    try:
        d = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    if not d.is_finite():
        return text
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text.lstrip("+"))
    whole, dot, fraction = digits.partition(".")
    if not whole.isdigit():  # an exponent or other unusual spelling: keep it readable
        return f"{d:,f}"
    return f"{sign}{int(whole):,}{dot}{fraction}"
