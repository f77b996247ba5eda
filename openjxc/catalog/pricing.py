"""Reads of sales prices: price levels (价格等级), an item's level prices in force on a day, and
the default sales price of a customer.

A level price is dated: `LevelPrice` rows are appended (by `PUT /items/{code}/prices/{level}`
or an approved 调价单) and the price on a day is the latest row valid on or before it that is
not cancelled — so a price set from next Monday applies from next Monday, and cancelling a 调价单
(marking its rows) brings the earlier price back. The default sales price of a customer is,
first to last: the customer's own price list entry, the price of the customer's level, the
item's sale price."""

import datetime as dt
from decimal import Decimal

from openjxc.core.errors import DomainError
from openjxc.core.numbers import COST_PLACES, QTY_SCALE, price_str, round_half_up

from .models import ItemUnit, LevelPrice, PriceLevel, PriceListEntry


def price_level_dict(level: PriceLevel) -> dict:
    return {"id": level.id, "code": level.code, "name": level.name, "active": level.active}


def level_rows(item_id: int, day: dt.date, level_id: int | None = None, unit: str | None = None):
    """The live LevelPrice rows of an item valid on `day`, latest first."""
    qs = LevelPrice.objects.filter(item_id=item_id, valid_from__lte=day, cancelled=False)
    if level_id is not None:
        qs = qs.filter(level_id=level_id)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("-valid_from", "-id")


def level_price(item_id: int, level_id: int, day: dt.date, unit: str = "") -> Decimal | None:
    """The item's price at the level on `day` (per `unit`, "" = the base unit), or None."""
    return level_rows(item_id, day, level_id, unit).values_list("price", flat=True).first()


def level_prices(item, day: dt.date) -> list[dict]:
    """Every level's price of an item in force on `day`, one row per level and unit."""
    seen, out = set(), []
    for row in level_rows(item.id, day).select_related("level", "document"):
        key = (row.level_id, row.unit)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "level": row.level.code,
                "level_name": row.level.name,
                "unit": row.unit or item.unit,
                "price": price_str(row.price),
                "valid_from": row.valid_from.isoformat(),
                "document": row.document.number if row.document_id else None,
            }
        )
    return sorted(out, key=lambda r: (r["level"], r["unit"]))


def partner_price(item_id: int, partner) -> Decimal | None:
    if partner is None:
        return None
    return (
        PriceListEntry.objects.filter(partner=partner, item_id=item_id)
        .values_list("price", flat=True)
        .first()
    )


def customer_level_price(item_id: int, partner, day: dt.date, unit: str = "") -> Decimal | None:
    """The price of the customer's level for the item on `day` (None without a level)."""
    if partner is None or not partner.price_level_id:
        return None
    return level_price(item_id, partner.price_level_id, day, unit)


def per_unit(price: Decimal | None, factor: int) -> Decimal | None:
    """A price per base unit as a price per unit of `factor` (1/10,000 base units), to 6 places."""
    if price is None or factor == QTY_SCALE:
        return price
    return round_half_up(Decimal(price) * factor / QTY_SCALE, COST_PLACES)


def unit_list_price(item, unit: str, factor: int, field: str) -> Decimal | None:
    """An item's list price (`sale_price` / `purchase_price`) per `unit` ("" = base): the unit's
    own default price when it has one, else the base unit's × factor."""
    if unit:
        own = ItemUnit.objects.filter(item=item, unit=unit).values_list(field, flat=True).first()
        if own is not None:
            return own
    return per_unit(getattr(item, field), factor)


def default_sale_price(
    item, partner, day: dt.date, unit: str = "", factor: int = QTY_SCALE
) -> Decimal | None:
    """What a sales line is priced at when no price is typed: the customer's price list, else
    the customer's level price on the day, else the item's sale price — per `unit` (a price kept
    per base unit is multiplied by the unit's factor)."""
    price = per_unit(partner_price(item.id, partner), factor)
    if price is None:
        price = customer_level_price(item.id, partner, day, unit)
    if price is None and unit:
        price = per_unit(customer_level_price(item.id, partner, day), factor)
    if price is None:
        price = unit_list_price(item, unit, factor, "sale_price")
    return price


def unit_key(item, unit, field: str = "unit") -> str:
    """A price's unit as stored: "" for the item's base unit (given as "" or its name), else
    one of the item's alternate units (422 unknown_unit otherwise)."""
    unit = (unit or "").strip() if isinstance(unit, str) or unit is None else unit
    if not unit or unit == item.unit:
        return ""
    if not isinstance(unit, str) or not ItemUnit.objects.filter(item=item, unit=unit).exists():
        raise DomainError(
            "unknown_unit",
            f"item {item.code} has no unit {unit}",
            {"field": field, "item": item.code, "unit": str(unit)[:20]},
        )
    return unit
