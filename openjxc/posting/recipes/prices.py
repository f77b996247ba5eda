"""Recipe of the 调价单 (price_adjustment): no stock, no voucher — approving sets sales prices
from its date, cancelling restores the previous ones; every change is audited on its item.

A level price is dated (catalog.LevelPrice): approving appends one row per line, valid from the
document's date and linked to it; cancelling marks those rows cancelled, so the price in force
on every day is again what it was before (a later 调价单 still wins from its own date).

The list sale price (a line without a level) is one value on the item, or on its alternate
unit, that every screen reads as "the price now"; it has no history of its own. Approving keeps
the price it replaces on the line (`previous_price`) and sets the new one — so a 调价单 that
changes list prices cannot be dated after today (nothing would apply it on that day). Cancelling
puts the previous price back unless the price was changed again since: then the later change
stands, as it does for levels, and the audit entry says so."""

from django.utils import timezone

from openjxc.audit.services import record
from openjxc.catalog.models import Item, ItemUnit, LevelPrice, PriceLevel
from openjxc.catalog.pricing import level_price
from openjxc.catalog.services import append_level_prices, cancel_level_prices, set_list_price
from openjxc.core.errors import DomainError
from openjxc.core.numbers import price_str
from openjxc.documents.models import DocumentLine

from .base import Recipe


def _list_price(item: Item, unit: str):
    if not unit:
        return item.sale_price
    return (
        ItemUnit.objects.filter(item=item, unit=unit).values_list("sale_price", flat=True).first()
    )


def _context(lines) -> tuple[dict, dict]:
    """The lines' items, locked in id order (their list prices may change), and their levels."""
    items = {
        i.id: i
        for i in Item.objects.select_for_update()
        .filter(id__in={ln.item_id for ln in lines})
        .order_by("id")
    }
    levels = PriceLevel.objects.in_bulk({ln.price_level_id for ln in lines if ln.price_level_id})
    return items, levels


def _apply(doc, lines, user) -> None:
    if doc.date > timezone.localdate() and any(ln.price_level_id is None for ln in lines):
        raise DomainError(
            "invalid",
            f"{doc.number} changes list prices, which take effect when approved: date it "
            "today or earlier, or give the lines a price level",
            {"field": "date"},
        )
    items, levels = _context(lines)
    rows = []
    for ln in lines:
        item, level = items[ln.item_id], levels.get(ln.price_level_id)
        if level is not None:
            before = level_price(item.id, level.id, doc.date, ln.unit)
            rows.append(
                LevelPrice(
                    level=level,
                    item=item,
                    unit=ln.unit,
                    price=ln.price,
                    valid_from=doc.date,
                    document_id=doc.id,
                )
            )
        else:
            before = _list_price(item, ln.unit)
            set_list_price(item.id, ln.unit, ln.price)
        DocumentLine.objects.filter(pk=ln.id).update(previous_price=before)
        what = {"level": level.code if level else None, "unit": ln.unit or item.unit}
        record(
            user,
            "price",
            "item",
            item.code,
            before={**what, "price": price_str(before)},
            after={
                **what,
                "price": price_str(ln.price),
                "valid_from": doc.date.isoformat(),
                "document": doc.number,
            },
        )
    append_level_prices(rows)


def _undo(doc, user, reason: str) -> None:
    lines = list(doc.lines.order_by("line_no"))
    items, levels = _context(lines)
    cancel_level_prices(doc.id)
    for ln in lines:
        item, level = items[ln.item_id], levels.get(ln.price_level_id)
        what = {"level": level.code if level else None, "unit": ln.unit or item.unit}
        if level is not None:
            now = level_price(item.id, level.id, doc.date, ln.unit)
        else:
            now = _list_price(item, ln.unit)
            if now == ln.price:  # not changed again since: the previous price comes back
                set_list_price(item.id, ln.unit, ln.previous_price)
                now = ln.previous_price
        record(
            user,
            "price",
            "item",
            item.code,
            reason=reason or "",
            before={**what, "price": price_str(ln.price), "document": doc.number},
            after={**what, "price": price_str(now), "cancelled": doc.number},
        )


PRICE_ADJUSTMENT = Recipe(apply=_apply, undo=_undo)
