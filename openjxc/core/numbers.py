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
PLAIN_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)")


def parse_decimal(value, field: str, places: int, *, allow_negative: bool = False) -> Decimal:
    """Parse client input (string or number) into a Decimal with at most `places` decimals."""
    if value is None or isinstance(value, bool):
        raise DomainError("invalid", f"{field} is required", {"field": field})
    if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value.strip()):
        # Decimal() also reads "1e3", "1_000" and full-width digits: what a person types by mistake
        raise DomainError("invalid", f"{field} is not a number: {value!r}", {"field": field})
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("invalid", f"{field} is not a number: {value!r}", {"field": field}) from None
    if not d.is_finite():
        raise DomainError("invalid", f"{field} is not a number: {value!r}", {"field": field})
    if abs(d) >= Decimal(10) ** 13:
        raise DomainError("invalid", f"{field} is too large", {"field": field})
    if d != d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        raise DomainError(
            "invalid", f"{field} has more than {places} decimal places", {"field": field}
        )
    if d < 0 and not allow_negative:
        raise DomainError("invalid", f"{field} must not be negative", {"field": field})
    return d


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
