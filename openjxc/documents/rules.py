"""Pure checks and line arithmetic for drafts (no database writes)."""

import datetime as dt
from decimal import Decimal

from openjxc.core.dates import parse_date
from openjxc.core.errors import DomainError
from openjxc.core.numbers import (
    COST_PLACES,
    QTY_SCALE,
    parse_decimal,
    parse_tax_rate,
    price_str,
    round_half_up,
    to_fen,
)


def query_date(value: str | None, name: str) -> dt.date | None:
    """A date query parameter declared on the endpoint (so that the OpenAPI document shows it);
    ?from= and ?to= are declared as Query(None, alias="from") since `from` is a Python keyword."""
    return parse_date(value, name) if value else None


def line_amounts(
    qty: Decimal, price: Decimal | None, price_incl_tax: Decimal | None, rate: Decimal
):
    """(price, price_incl_tax, amount, tax, gross) in Decimal yuan, per API.md's rounding."""
    if price_incl_tax is not None:
        gross = round_half_up(qty * price_incl_tax)
        amount = round_half_up(qty * price_incl_tax / (1 + rate))
        price = round_half_up(price_incl_tax / (1 + rate), Decimal("0.000001"))
        return price, price_incl_tax, amount, gross - amount, gross
    amount = round_half_up(qty * price)
    tax = round_half_up(amount * rate)
    pit = round_half_up(price * (1 + rate), Decimal("0.000001"))
    return price, pit, amount, tax, amount + tax


def entry_price(price, rate, incl: bool) -> str | None:
    """A stored tax-exclusive price as the user types it: tax-inclusive (rounded to 6 places) when
    the company types prices with tax (setting price_includes_tax)."""
    if price is None:
        return None
    if incl:
        price = round_half_up(Decimal(price) * (1 + Decimal(rate or 0)), COST_PLACES)
    return price_str(Decimal(price))


def check_prices_agree(price: Decimal, price_incl_tax: Decimal, rate: Decimal, where: str) -> None:
    """A line that gives both prices must give one price with and without tax (to the fen,
    either way round); otherwise one of them would be silently dropped."""
    gross = round_half_up(price * (1 + rate))
    if gross == round_half_up(price_incl_tax) or round_half_up(
        price_incl_tax / (1 + rate)
    ) == round_half_up(price):
        return
    raise DomainError(
        "price_mismatch",
        f"{where}: price {price} at tax rate {rate} is {gross} with tax, "
        f"not price_incl_tax {price_incl_tax}",
        {
            "field": f"{where}.price_incl_tax",
            "price": str(price),
            "price_incl_tax": str(price_incl_tax),
            "tax_rate": str(rate),
            "expected": str(gross),
        },
    )


def parse_line(raw: dict, index: int) -> dict:
    """Validate one request line's numbers; references are resolved by the service."""
    if not isinstance(raw, dict):
        raise DomainError("invalid", f"line {index + 1} must be an object", {"line": index + 1})
    where = f"lines[{index}]"
    item = raw.get("item")
    if not item or not isinstance(item, str):
        raise DomainError(
            "invalid", f"{where}.item is required", {"field": f"{where}.item"}, kind="required"
        )
    if raw.get("level") is not None:  # a price level is what a 调价单 line sets, nothing else's
        raise DomainError(
            "invalid", f"{where}.level is for price adjustments", {"field": f"{where}.level"}
        )
    for key in ("expense_type", "amount", "memo"):  # an expense's line, not an item's
        if raw.get(key) is not None:
            raise DomainError(
                "invalid", f"{where}.{key} is for expenses", {"field": f"{where}.{key}"}
            )
    qty = parse_decimal(raw.get("qty"), f"{where}.qty", 4)
    out = {"item": item, "qty": qty, "qty_units": int(qty * QTY_SCALE), "unit": raw.get("unit")}
    for key in ("price", "price_incl_tax"):
        out[key] = None if raw.get(key) is None else parse_decimal(raw[key], f"{where}.{key}", 6)
    rate = raw.get("tax_rate")
    out["tax_rate"] = None if rate is None else parse_tax_rate(rate, f"{where}.tax_rate")
    sl = raw.get("source_line")
    if sl is not None and (isinstance(sl, bool) or not str(sl).isdigit()):
        raise DomainError(
            "invalid", f"{where}.source_line must be a line id", {"field": f"{where}.source_line"}
        )
    out["source_line"] = int(sl) if sl is not None else None
    return out


def fen(d: Decimal) -> int:
    return to_fen(d)


def remaining_in_unit(line, remaining_base: int) -> tuple[str, str, Decimal | None]:
    """(unit, qty, price) of a derived line taking `remaining_base` (1/10,000 base unit) of a
    source line: in the source line's unit when that is a whole 1/10,000 of it (2 箱 of 3 left),
    else in the base unit at the source price per base unit (5 个 of a 箱 line)."""
    if (remaining_base * QTY_SCALE) % line.unit_factor == 0:
        qty = remaining_base * QTY_SCALE // line.unit_factor
        return line.unit, format(Decimal(qty) / QTY_SCALE, "f"), line.price
    price = line.price
    if price is not None:
        price = round_half_up(Decimal(price) * QTY_SCALE / line.unit_factor, COST_PLACES)
    return "", format(Decimal(remaining_base) / QTY_SCALE, "f"), price


def inactive(kind: str, code: str, field: str) -> DomainError:
    """The refusal of a deactivated (停用) item, partner or warehouse on a new document: 422
    inactive_item / inactive_partner / inactive_warehouse naming it."""
    return DomainError(
        f"inactive_{kind}", f"{kind} {code} is deactivated", {"field": field, kind: code}
    )
