from django.db.models import Q

from openjxc.core.db import load
from openjxc.core.errors import not_found
from openjxc.core.numbers import price_str, qty_str

from .models import Item, PriceLevel


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
        "category": item.category.code if item.category_id else None,
    }


def get_item(code: str) -> Item:
    found = load(Item, "WHERE code = %s", [code])  # a plain query: the API reads items by code
    if not found:
        raise not_found("item", code)
    return found[0]


def search_items(search: str | None, *, active_only: bool = False, categories=None):
    """Items by code, name, spec, exact barcode or pinyin initials (拼音首字母, e.g. "kl" finds 可乐);
    `categories`: only items in these category ids (a category's subtree, categories.subtree_ids)."""
    qs = Item.objects.select_related("category").order_by("code")
    if active_only:
        qs = qs.filter(active=True)
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
    barcode = (barcode or "").strip()
    if not barcode:
        return None
    return (
        Item.objects.filter(barcode=barcode, active=True).first()
        or Item.objects.filter(code=barcode).first()
    )


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
