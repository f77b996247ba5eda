"""The lines of a 调价单 (price_adjustment): `{"item", "level"?, "unit"?, "price"}` — the new
sales price of an item at a price level (no level: the item's list sale price), per unit.
Validated and resolved here; what approving and cancelling do is the recipe's
(posting/recipes/prices.py)."""

from decimal import Decimal

from openjxc.catalog.models import Item, PriceLevel
from openjxc.catalog.pricing import unit_key
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import parse_decimal

NOT_ON_PRICE_LINES = ("qty", "price_incl_tax", "tax_rate", "source_line")


def resolve_price_lines(raw_lines, errors: list) -> list:
    """Each line parsed and resolved; every line's mistake goes to errors."""
    if not isinstance(raw_lines, list) or not raw_lines:
        errors.append(
            DomainError(
                "invalid", "at least one line is required", {"field": "lines"}, kind="required"
            )
        )
        return []
    if len(raw_lines) > 1000:
        raise DomainError("invalid", "at most 1000 lines per document", {"field": "lines"})
    raw = [r if isinstance(r, dict) else {} for r in raw_lines]
    items = {i.code: i for i in Item.objects.filter(code__in={str(r.get("item")) for r in raw})}
    levels = {
        lv.code: lv for lv in PriceLevel.objects.filter(code__in={str(r.get("level")) for r in raw})
    }
    out, seen = [], {}
    for i, r in enumerate(raw):
        try:
            line = _line(i, r, items, levels)
        except DomainError as exc:
            errors.append(exc)
            continue
        key = (
            line["item_obj"].id,
            line["level_obj"].id if line["level_obj"] else None,
            line["unit"],
        )
        if key in seen:
            errors.append(
                DomainError(
                    "invalid",
                    f"lines[{i}] sets the same price as line {seen[key] + 1}",
                    {"field": f"lines[{i}].item"},
                )
            )
        seen[key] = i
        out.append(line)
    return out


def _line(i: int, r: dict, items: dict, levels: dict) -> dict:
    where = f"lines[{i}]"
    for key in NOT_ON_PRICE_LINES:
        if r.get(key) is not None:
            raise DomainError(
                "invalid",
                f"{where}.{key}: a price adjustment line gives item, level, unit and price",
                {"field": f"{where}.{key}"},
            )
    code = r.get("item")
    if not code or not isinstance(code, str):
        raise DomainError(
            "invalid", f"{where}.item is required", {"field": f"{where}.item"}, kind="required"
        )
    item = items.get(code)
    if item is None:
        raise not_found("item", code)
    level = None
    if r.get("level") not in (None, ""):
        level = levels.get(str(r["level"]))
        if level is None:
            raise not_found("price_level", r["level"])
    price = parse_decimal(r.get("price"), f"{where}.price", 6)
    return {
        "item_obj": item,
        "level_obj": level,
        "unit": unit_key(item, r.get("unit"), f"{where}.unit"),
        "qty_units": 0,
        "price": price,
        "price_incl_tax": None,
        "tax_rate": Decimal(0),
        "amount": 0,
        "tax": 0,
        "gross": 0,
        "source_line": None,
    }
