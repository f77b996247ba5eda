from decimal import Decimal

from django.db.models import Q

from openjxc.core.codes import preview_code
from openjxc.core.db import load
from openjxc.core.errors import not_found
from openjxc.core.numbers import QTY_SCALE, price_str, qty_str

from .models import Item, ItemUnit, PriceLevel
from .units import format_in_units, unit_dict


def item_dict(item: Item) -> dict:
    return {
        "id": item.id,
        "code": item.code,
        "name": item.name,
        "unit": item.unit,
        "spec": item.spec,
        "barcode": item.barcode,
        "tax_rate": str(item.tax_rate.normalize()) if item.tax_rate is not None else None,
        "purchase_price": price_str(item.purchase_price),
        "sale_price": price_str(item.sale_price),
        "safety_stock": qty_str(item.safety_stock),
        "active": item.active,
        "units": [unit_dict(u) for u in sorted(item.units.all(), key=lambda u: (u.factor, u.unit))],
        "category": item.category.code if item.category_id else None,
        "costing_method": item.costing_method,
        "batch_tracked": item.batch_tracked,
        "shelf_life_days": item.shelf_life_days,
        "serial_tracked": item.serial_tracked,
    }


def get_item(code: str) -> Item:
    found = load(Item, "WHERE code = %s", [code])  # a plain query: the API reads items by code
    if not found:
        raise not_found("item", code)
    return found[0]


def search_items(
    search: str | None, *, active_only: bool = False, active: bool | None = None, categories=None
):
    """Items by code, name, spec, exact barcode or pinyin initials (拼音首字母, e.g. "kl" finds 可乐);
    `active` True / False keeps only the items in use / deactivated (停用); `categories`: only
    items in these category ids (a category's subtree, categories.subtree_ids)."""
    qs = (
        Item.objects.select_related("category").order_by("code").prefetch_related("units")
    )  # item_dict shows them
    if active_only:
        active = True
    if active is not None:
        qs = qs.filter(active=active)
    if categories is not None:
        qs = qs.filter(category_id__in=categories)
    if search:
        qs = qs.filter(
            Q(code__icontains=search)
            | Q(name__icontains=search)
            | Q(barcode=search)
            | Q(spec__icontains=search)
            | Q(pinyin__icontains=search.lower())
        )
    return qs


def item_by_barcode(barcode: str) -> Item | None:
    """What a scanner read (keyboard wedge: the code, then Enter): the barcode, else the item code."""
    return unit_by_barcode(barcode)[0]


def unit_by_barcode(barcode: str) -> tuple[Item | None, str]:
    """(item, unit) a scanner read: an item's barcode (its base unit, ""), else the barcode of one
    of its alternate units (多单位: scanning a 箱 barcode enters a 箱), else the item code."""
    barcode = (barcode or "").strip()
    if not barcode:
        return None, ""
    item = Item.objects.filter(barcode=barcode, active=True).first()
    if item is not None:
        return item, ""
    unit = (
        ItemUnit.objects.filter(barcode=barcode, item__active=True).select_related("item").first()
    )
    if unit is not None:
        return unit.item, unit.unit
    return Item.objects.filter(code=barcode, active=True).first(), ""


def unit_choices(codes) -> dict[str, list[dict]]:
    """item code -> its alternate units, smallest first, as an entry grid's unit picker offers
    them ({"unit", "factor"}: factor in base units, text)."""
    out: dict[str, list[dict]] = {}
    rows = ItemUnit.objects.filter(item__code__in=set(codes)).order_by("factor", "unit")
    for code, unit, factor in rows.values_list("item__code", "unit", "factor"):
        out.setdefault(code, []).append({"unit": unit, "factor": qty_str(factor)})
    return out


def item_units(item_ids) -> dict[int, list[tuple[str, int]]]:
    """item id -> its alternate units as (name, factor) pairs."""
    out: dict[int, list[tuple[str, int]]] = {}
    for item_id, unit, factor in ItemUnit.objects.filter(item_id__in=set(item_ids)).values_list(
        "item_id", "unit", "factor"
    ):
        out.setdefault(item_id, []).append((unit, factor))
    return out


def find_item(text: str) -> Item | None:
    """The item with this code, else the first one a search for it finds (None when none)."""
    if not text:
        return None
    return Item.objects.filter(code=text).first() or search_items(text).first()


def items_by_code(codes) -> dict[str, Item]:
    return {i.code: i for i in Item.objects.filter(code__in=set(codes))}


def item_codes(ids) -> dict[int, str]:
    """id -> code of the given items."""
    return dict(Item.objects.filter(id__in=set(ids)).values_list("id", "code"))


def item_names(codes) -> dict[str, str]:
    """code -> name of the given items."""
    return dict(Item.objects.filter(code__in=set(codes)).values_list("code", "name"))


def matching_codes(search: str, limit: int) -> set[str]:
    """The codes of at most `limit` items a search finds."""
    return set(search_items(search).values_list("code", flat=True)[:limit])


def item_choices(limit: int) -> list[tuple[str, str]]:
    """(code, name) of the first `limit` active items, for a page's pick list."""
    return list(
        Item.objects.filter(active=True).order_by("code").values_list("code", "name")[:limit]
    )


def active_price_levels():
    """The price levels a customer can be given, in code order."""
    return PriceLevel.objects.filter(active=True).order_by("code")


def all_price_levels():
    return PriceLevel.objects.order_by("code")


def level_price_history(item: Item, limit: int = 100) -> list:
    """An item's dated level prices, newest first, with their level and 调价单."""
    return list(
        item.level_prices.select_related("level", "document").order_by("-valid_from", "-id")[:limit]
    )


def with_units(rows: list[dict], fields, *, replace: bool = False) -> list[dict]:
    """Report rows (each naming its "item" code) with their base quantities `fields` also shown
    in the item's units, largest first ("3箱5个"), as `<field>_in_units` — or, for a page,
    in place of the numbers (`replace`). Rows without an item (totals) are left as they are."""
    codes = {r["item"] for r in rows if r.get("item")}
    base = dict(Item.objects.filter(code__in=codes).values_list("code", "unit"))
    units: dict[str, list] = {}
    for code, unit, factor in ItemUnit.objects.filter(item__code__in=codes).values_list(
        "item__code", "unit", "factor"
    ):
        units.setdefault(code, []).append((unit, factor))
    out = []
    for r in rows:
        code = r.get("item")
        if code not in base:
            out.append(r)
            continue
        extra = {}
        for f in fields:
            if r.get(f) is None:
                continue
            text = format_in_units(
                int(Decimal(str(r[f])) * QTY_SCALE), units.get(code, []), base[code]
            )
            extra[f if replace else f"{f}_in_units"] = text
        out.append({**r, **extra})
    return out


def next_item_code() -> str:
    """The automatic code a new item saved without one would probably get (not reserved)."""
    return preview_code("item", lambda c: Item.objects.filter(code=c).exists())


def tracking_flags(codes) -> dict[str, tuple[bool, bool]]:
    """item code -> (batch_tracked, serial_tracked), for the entry form's inputs."""
    rows = Item.objects.filter(code__in=set(codes)).values_list(
        "code", "batch_tracked", "serial_tracked"
    )
    return {code: (b, s) for code, b, s in rows}
