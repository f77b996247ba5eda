"""多单位: an item's alternate units and the arithmetic between a unit and the base unit.

An alternate unit (ItemUnit) says how many base units it holds, `factor`, kept as an integer count
of 1/10,000 base unit (a 箱 of 12 个 is 120000). A document line entered in a unit carries the
factor it was entered with, and its base quantity is qty × factor, exact to 1/10,000 base unit:
a product that is not a whole 1/10,000 (1 瓶 of 0.3333 L × 0.5) is refused, never rounded — the
stock ledger is in base units and a rounding there would leave a residue nobody entered.
Stock, cost and every report stay in the base unit; `format_in_units` only shows a base quantity
as the user counts it ("3箱5个")."""

from decimal import Decimal

from openjxc.core.errors import DomainError
from openjxc.core.numbers import QTY_SCALE, parse_decimal, price_str, qty_dec, qty_str
from openjxc.core.validation import text_field

from .models import ItemUnit

# a line's base quantity stays well inside a 64-bit count of 1/10,000 units, summed over a ledger
MAX_BASE_QTY = 10**17
MAX_PRODUCT = 9 * 10**18  # qty × factor as the database multiplies them (signed 64-bit)


def unit_dict(u: ItemUnit) -> dict:
    return {
        "unit": u.unit,
        "factor": qty_str(u.factor),
        "barcode": u.barcode or None,
        "purchase_price": price_str(u.purchase_price),  # cost: masked without view_cost
        "sale_price": price_str(u.sale_price),
    }


def parse_units(raw, base_unit: str, keep_purchase_price: dict | None = None) -> list[dict]:
    """The `units` of an item body: a list of {"unit","factor","barcode"?,"purchase_price"?,
    "sale_price"?}. factor > 0 with at most 4 decimals; a unit differs from the base unit and is
    given once; a barcode is given once. `keep_purchase_price` (unit -> price) keeps what a user
    who may not see purchase prices cannot send."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise DomainError("invalid", "units must be a list", {"field": "units"})
    if len(raw) > 20:
        raise DomainError("invalid", "at most 20 units per item", {"field": "units"})
    out, names, codes = [], set(), set()
    for i, r in enumerate(raw):
        where = f"units[{i}]"
        if not isinstance(r, dict):
            raise DomainError("invalid", f"{where} must be an object", {"field": where})
        unknown = set(r) - {"unit", "factor", "barcode", "purchase_price", "sale_price"}
        if unknown:
            name = sorted(unknown)[0]
            raise DomainError(
                "unknown_field", f"unknown field {where}.{name}", {"field": f"{where}.{name}"}
            )
        unit = _text(r, "unit", where, 20, True)
        if unit == base_unit:
            raise DomainError(
                "invalid",
                f"{where}.unit {unit} is the base unit",
                {"field": f"{where}.unit", "unit": unit},
                kind="same_as_base",
            )
        if unit in names:
            raise DomainError(
                "invalid",
                f"{where}.unit {unit} is given twice",
                {"field": f"{where}.unit"},
                kind="twice",
            )
        names.add(unit)
        factor = parse_decimal(r.get("factor"), f"{where}.factor", 4)
        if factor <= 0:
            raise DomainError(
                "invalid",
                f"{where}.factor must be positive",
                {"field": f"{where}.factor"},
                kind="positive",
            )
        barcode = _text(r, "barcode", where, 64, False)
        if barcode and barcode in codes:
            raise DomainError(
                "duplicate_barcode",
                f"barcode {barcode} is given twice",
                {"field": f"{where}.barcode", "barcode": barcode},
            )
        if barcode:
            codes.add(barcode)
        prices = {}
        for key in ("purchase_price", "sale_price"):
            value = r.get(key)
            prices[key] = None if value in (None, "") else parse_decimal(value, f"{where}.{key}", 6)
        if keep_purchase_price is not None:
            prices["purchase_price"] = keep_purchase_price.get(unit)
        out.append({"unit": unit, "factor": int(factor * QTY_SCALE), "barcode": barcode, **prices})
    return out


def _text(r: dict, key: str, where: str, max_len: int, required: bool) -> str:
    name = f"{where}.{key}"
    return text_field({name: r.get(key)}, name, max_len, required)


def unit_factor(item, unit, field: str) -> tuple[str, int]:
    """(unit as stored on a line, factor): "" and 10000 for the base unit (given as "" or its
    name), else one of the item's alternate units; 422 unknown_unit otherwise."""
    if unit is None or unit == "" or unit == item.unit:
        return "", QTY_SCALE
    found = None
    if isinstance(unit, str):
        found = ItemUnit.objects.filter(item=item, unit=unit.strip()).values_list("factor").first()
    if found is None:
        raise DomainError(
            "unknown_unit",
            f"item {item.code} has no unit {unit}",
            {"field": field, "item": item.code, "unit": str(unit)[:20]},
        )
    return unit.strip(), found[0]


def base_qty(qty_units: int, factor: int, field: str, unit: str = "") -> int:
    """qty (1/10,000 of the unit) × factor (1/10,000 base unit per unit) in 1/10,000 base unit;
    422 inexact_base_qty when that is not a whole 1/10,000 base unit."""
    product = qty_units * factor
    if product % QTY_SCALE:
        exact = Decimal(product) / QTY_SCALE / QTY_SCALE
        raise DomainError(
            "inexact_base_qty",
            f"{field}: {qty_str(qty_units)} {unit} is {exact} base units, "
            "not a whole 1/10,000 of the base unit",
            {"field": field, "qty": qty_str(qty_units), "unit": unit, "base_qty": str(exact)},
        )
    result = product // QTY_SCALE
    # the database computes qty × factor in 64 bits before dividing: keep the product inside
    if abs(result) >= MAX_BASE_QTY or abs(product) >= MAX_PRODUCT:
        raise DomainError("invalid", f"{field} is too large", {"field": field}, kind="too_large")
    return result


def in_unit(base: int, factor: int) -> int:
    """A base quantity as a quantity of the unit, rounded half-up to 1/10,000 of the unit (exact
    whenever the base quantity is a whole number of 1/10,000 units)."""
    n, d = base * QTY_SCALE, factor
    sign = -1 if n < 0 else 1
    return sign * ((abs(n) * 2 + d) // (2 * d))


def format_in_units(base: int, units, base_unit: str) -> str:
    """A base quantity (1/10,000 base unit) as the user counts it, largest unit first, then the
    base unit: 41 个 with 箱 = 12 个 → "3箱5个". `units` are (name, factor) pairs; units smaller
    than the base unit are not used; a part that is zero is left out ("3箱"), zero is "0个"."""
    sign, rest = ("-" if base < 0 else ""), abs(int(base))
    parts = []
    for name, factor in sorted(units, key=lambda u: -u[1]):
        if factor <= QTY_SCALE:
            continue
        count = rest // factor
        if count:
            parts.append(f"{count}{name}")
            rest -= count * factor
    if rest or not parts:
        parts.append(f"{format(qty_dec(rest).normalize(), 'f')}{base_unit}")
    return sign + "".join(parts)


def mixed_units(value) -> bool:
    """A report's `units` parameter: "mixed" shows quantities in the item's units as well
    ("3箱5个"); absent or "base" keeps the base unit only; anything else is refused."""
    if value in (None, "", "base"):
        return False
    if value == "mixed":
        return True
    raise DomainError("invalid", "units must be base or mixed", {"field": "units"})
