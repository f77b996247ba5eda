"""Master data writes: items, price levels and their prices."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from openjxc.audit.services import record
from openjxc.core.dates import parse_date
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import QTY_SCALE, parse_decimal, parse_tax_rate, price_str
from openjxc.core.validation import text_field
from openjxc.users.masking import sees_cost
from openjxc.users.services import MASTER_DATA, require

from .categories import unknown_category
from .models import Category, Item, ItemUnit, LevelPrice, PriceLevel
from .pricing import level_price, price_level_dict, unit_key
from .selectors import item_dict
from .text import initials

BARCODE_PREFIX = "20"  # EAN-13 in-store range: never collides with a manufacturer's barcode


def ean13(number: int) -> str:
    """An EAN-13 in the in-store range 20…: 2-digit prefix, 10-digit number, check digit."""
    body = f"{BARCODE_PREFIX}{number:010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _item_fields(data: dict, partial: bool = False) -> dict:
    out = {}
    for key, n, req in (
        ("name", 200, True),
        ("unit", 20, True),
        ("spec", 200, False),
        ("barcode", 64, False),
    ):
        if not partial or key in data:
            out[key] = text_field(data, key, n, req)
    if "tax_rate" in data and data["tax_rate"] is not None:
        out["tax_rate"] = parse_tax_rate(data["tax_rate"], "tax_rate")
    for key in ("purchase_price", "sale_price"):
        if key in data:
            out[key] = None if data[key] is None else parse_decimal(data[key], key, 6)
    if "safety_stock" in data and data["safety_stock"] is not None:
        out["safety_stock"] = int(
            parse_decimal(data["safety_stock"], "safety_stock", 4) * QTY_SCALE
        )
    if "category" in data:
        out["category"] = category_of(data["category"])
    return out


def category_of(code) -> Category | None:
    """An item's category from its code (None or "": none); 422 unknown_category otherwise."""
    if code is None or code == "":
        return None
    found = Category.objects.filter(code=code).first() if isinstance(code, str) else None
    if found is None:
        raise unknown_category(code)
    return found


def _visible_fields(user, data: dict) -> dict:
    """A user who may not see purchase prices may not set them either (form, API and import alike)."""
    if not sees_cost(user) and isinstance(data, dict):
        return {k: v for k, v in data.items() if k != "purchase_price"}
    return data


def create_item(user, data: dict) -> dict:
    require(user, MASTER_DATA)
    data = _visible_fields(user, data)
    code = text_field(data, "code", 64, True)
    fields = _item_fields(data)
    try:
        with transaction.atomic():
            if Item.objects.filter(code=code).exists():
                raise DomainError(
                    "duplicate_code", f"item code {code} already exists", {"code": code}
                )
            item = Item.objects.create(code=code, pinyin=initials(fields["name"]), **fields)
            if not item.barcode:  # 自动生成条码: scanning works from the first day
                Item.objects.filter(pk=item.pk).update(barcode=ean13(item.pk))
            item.refresh_from_db()  # model defaults (tax_rate "0.13") come back as Decimal
            result = item_dict(item)
            record(user, "create", "item", code, after=result)
    except IntegrityError:
        raise DomainError(
            "duplicate_code", f"item code {code} already exists", {"code": code}
        ) from None
    return result


def _edit_item(user, code: str, change) -> dict:
    """Lock the item, apply change(item), save and audit what changed."""
    require(user, MASTER_DATA)
    with transaction.atomic():
        item = Item.objects.select_for_update().filter(code=code).first()
        if item is None:
            raise not_found("item", code)
        before = item_dict(item)
        change(item)
        item.save()
        after = item_dict(item)
        if before != after:
            record(user, "edit", "item", code, before=before, after=after)
    return after


def update_item(user, code: str, data: dict) -> dict:
    require(user, MASTER_DATA)
    fields = _item_fields(_visible_fields(user, data), partial=True)

    def change(item):
        for k, v in fields.items():
            setattr(item, k, v)
        item.pinyin = initials(item.name)
        item.barcode = item.barcode or ean13(item.pk)

    return _edit_item(user, code, change)


def set_item_active(user, code: str, active: bool) -> dict:
    """停用 / 启用 an item: an inactive item is no longer found by the barcode scanner; its history stays."""
    return _edit_item(user, code, lambda item: setattr(item, "active", bool(active)))


def edit_item(user, code: str, data: dict, active: bool) -> dict:
    """The item page's save: the changed fields and 停用 / 启用 in one transaction."""
    with transaction.atomic():
        update_item(user, code, data)
        return set_item_active(user, code, active)


# ---------------------------------------------------------------- price levels (价格等级)


def create_price_level(user, data: dict) -> dict:
    require(user, MASTER_DATA)
    code = text_field(data, "code", 64, True)
    name = text_field(data, "name", 100, True)
    try:
        with transaction.atomic():
            if PriceLevel.objects.filter(code=code).exists():
                raise DomainError(
                    "duplicate_code", f"price level {code} already exists", {"code": code}
                )
            level = PriceLevel.objects.create(code=code, name=name)
            result = price_level_dict(level)
            record(user, "create", "price_level", code, after=result)
    except IntegrityError:
        raise DomainError(
            "duplicate_code", f"price level {code} already exists", {"code": code}
        ) from None
    return result


def get_price_level(code: str) -> PriceLevel:
    level = PriceLevel.objects.filter(code=code).first()
    if level is None:
        raise not_found("price_level", code)
    return level


def set_level_price(user, item_code: str, level_code: str, data: dict) -> dict:
    """PUT /items/{code}/prices/{level}: append the item's price at the level (per `unit`, from
    `valid_from`, default today); earlier rows stay as the history."""
    require(user, MASTER_DATA)
    price = parse_decimal(data.get("price"), "price", 6)
    valid_from = parse_date(data.get("valid_from") or timezone.localdate(), "valid_from")
    with transaction.atomic():
        item = Item.objects.select_for_update().filter(code=item_code).first()
        if item is None:
            raise not_found("item", item_code)
        level = get_price_level(level_code)
        unit = unit_key(item, data.get("unit"))
        before = level_price(item.id, level.id, valid_from, unit)
        LevelPrice.objects.create(
            level=level, item=item, unit=unit, price=price, valid_from=valid_from
        )
        result = {
            "item": item.code,
            "level": level.code,
            "unit": unit or item.unit,
            "price": price_str(price),
            "valid_from": valid_from.isoformat(),
            "previous_price": price_str(before),
        }
        record(
            user,
            "price",
            "item",
            item.code,
            before={"level": level.code, "unit": unit, "price": price_str(before)},
            after=result,
        )
    return result


def set_level_prices(user, item_code: str, typed, valid_from, unit) -> None:
    """The price-level page's save: one new price per level typed ((level, price) pairs, blank
    prices skipped), from the same date, in one transaction."""
    with transaction.atomic():
        for level, price in typed:
            if price:
                set_level_price(
                    user, item_code, level, {"price": price, "valid_from": valid_from, "unit": unit}
                )


def append_level_prices(rows: list[LevelPrice]) -> None:
    """An approved 调价单's level prices (the caller audits)."""
    LevelPrice.objects.bulk_create(rows)


def cancel_level_prices(document_id: int) -> int:
    """Cancelling a 调价单 marks its rows: the earlier prices are in force again."""
    return LevelPrice.objects.filter(document_id=document_id, cancelled=False).update(
        cancelled=True
    )


def set_list_price(item_id: int, unit: str, price) -> None:
    """The list sale price of an item (or of one of its alternate units); the caller audits."""
    if unit:
        ItemUnit.objects.filter(item_id=item_id, unit=unit).update(sale_price=price)
    else:
        Item.objects.filter(pk=item_id).update(sale_price=price)
