"""Master data writes: items, price levels and their prices."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from openjxc.audit.services import record
from openjxc.core.codes import next_code
from openjxc.core.dates import parse_date
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import QTY_SCALE, parse_decimal, parse_tax_rate, price_str
from openjxc.core.validation import text_field
from openjxc.users.masking import sees_cost
from openjxc.users.services import ADD_ITEMS, MASTER_DATA, require, require_any

from .categories import unknown_category
from .models import Category, Item, ItemUnit, LevelPrice, PriceLevel
from .pricing import level_price, price_level_dict, unit_key
from .selectors import item_dict
from .text import initials
from .tracking import check_tracking_change, tracking_fields
from .units import parse_units

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
    if data.get("costing_method") is not None:
        out["costing_method"] = costing_method(data["costing_method"])
    out.update(tracking_fields(data))
    return out


def costing_method(value) -> str:
    """计价方法: one of Item.COSTING_METHODS (422 invalid otherwise)."""
    if value not in {m for m, _label in Item.COSTING_METHODS}:
        raise DomainError(
            "invalid", f"unknown costing method {value!r}", {"field": "costing_method"}
        )
    return value


def _check_costing_method(item: Item, method: str) -> None:
    """The method is fixed once the item has stock moves: its ledger was valued by it."""
    if method == item.costing_method:
        return
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM inventory_stockmove WHERE item_id = %s LIMIT 1", [item.id])
        if cur.fetchone():
            raise DomainError(
                "costing_method_locked",
                f"item {item.code} has stock moves; its costing method stays {item.costing_method}",
                {"item": item.code, "costing_method": item.costing_method},
            )


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


def _check_barcodes(item_id: int | None, barcode: str, units: list[dict] | None) -> None:
    """A barcode names one thing: an item or one unit of an item (409 duplicate_barcode)."""
    wanted = [("barcode", barcode)] if barcode else []
    wanted += [(f"units[{i}].barcode", u["barcode"]) for i, u in enumerate(units or [])]
    wanted = [(f, b) for f, b in wanted if b]
    if not wanted:
        return
    codes = {b for _, b in wanted}
    if len(codes) < len(wanted):
        field, code = wanted[-1]
        raise DomainError(
            "duplicate_barcode", f"barcode {code} is given twice", {"field": field, "barcode": code}
        )
    taken = set(
        Item.objects.filter(barcode__in=codes).exclude(pk=item_id).values_list("barcode", flat=True)
    )
    taken |= set(
        ItemUnit.objects.filter(barcode__in=codes)
        .exclude(item_id=item_id)
        .values_list("barcode", flat=True)
    )
    for field, code in wanted:
        if code in taken:
            raise DomainError(
                "duplicate_barcode",
                f"barcode {code} is already used by another item",
                {"field": field, "barcode": code},
            )


def _units_in_use(item_id: int) -> set[str]:
    """The alternate units of an item that document lines were entered in."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT unit FROM documents_documentline WHERE item_id = %s AND unit <> ''",
            [item_id],
        )
        return {row[0] for row in cur.fetchall()}


def _replace_units(item: Item, units: list[dict]) -> None:
    """Sending units replaces the item's alternate units; one used on a document line stays."""
    current = {u.unit: u for u in item.units.all()}
    gone = set(current) - {u["unit"] for u in units}
    used = sorted(gone & _units_in_use(item.id)) if gone else []
    if used:
        raise DomainError(
            "unit_in_use",
            f"unit {used[0]} of item {item.code} is used on documents and cannot be removed",
            {"field": "units", "item": item.code, "unit": used[0]},
        )
    ItemUnit.objects.filter(item=item, unit__in=gone).delete()
    for u in units:
        ItemUnit.objects.update_or_create(item=item, unit=u["unit"], defaults=u)


def create_item(user, data: dict) -> dict:
    require_any(user, MASTER_DATA, ADD_ITEMS)
    data = _visible_fields(user, data)
    code = text_field(data, "code", 64)  # empty: the next automatic code (SP0001)
    fields = _item_fields(data)
    units = parse_units(data.get("units"), fields["unit"], None if sees_cost(user) else {})
    try:
        with transaction.atomic():
            if not code:
                code = next_code("item", lambda c: Item.objects.filter(code=c).exists())
            elif Item.objects.filter(code=code).exists():
                raise DomainError(
                    "duplicate_code", f"item code {code} already exists", {"code": code}
                )
            _check_barcodes(None, fields.get("barcode", ""), units)
            item = Item.objects.create(code=code, pinyin=initials(fields["name"]), **fields)
            _replace_units(item, units)
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
    if data.get("active") is not None:  # PUT {"active": false}: 停用
        fields["active"] = bool(data["active"])

    def change(item):
        if "costing_method" in fields:
            _check_costing_method(item, fields["costing_method"])
        check_tracking_change(item, fields)  # 批次 / 序列号: only while the item has no moves
        for k, v in fields.items():
            setattr(item, k, v)
        item.pinyin = initials(item.name)
        item.barcode = item.barcode or ean13(item.pk)
        units = None
        if isinstance(data, dict) and "units" in data:
            keep = (
                None if sees_cost(user) else dict(item.units.values_list("unit", "purchase_price"))
            )
            units = parse_units(data["units"] or [], item.unit, keep)
        if fields.get("barcode") or units:
            _check_barcodes(item.id, fields.get("barcode") or "", units)
        if units is not None:
            _replace_units(item, units)
        if item.units.filter(unit=item.unit).exists():
            raise DomainError(
                "invalid",
                f"unit {item.unit} is also an alternate unit",
                {"field": "unit", "unit": item.unit},
                kind="same_as_base",
            )

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
