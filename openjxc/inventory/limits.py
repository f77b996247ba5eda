"""Reorder limits per item × warehouse (补货: min and max quantity). Master data: written with
edit_master_data, for the warehouses the user may use, audited; read by the reorder report."""

from django.db import transaction

from openjxc.audit.services import record
from openjxc.catalog.selectors import get_item
from openjxc.core.errors import DomainError
from openjxc.core.numbers import parse_decimal, qty_str, to_qty_units
from openjxc.users.services import MASTER_DATA, require, require_warehouses

from .models import StockLimit
from .selectors import get_warehouse, user_warehouses


def limit_dict(limit: StockLimit | None, item, warehouse) -> dict:
    """A limit as the API gives it (None: no limit set, min and max null)."""
    return {
        "item": item.code,
        "warehouse": warehouse.code,
        "warehouse_name": warehouse.name,
        "min_qty": qty_str(limit.min_qty) if limit else None,
        "max_qty": qty_str(limit.max_qty) if limit else None,
    }


def item_limits(user, code: str) -> list[dict]:
    """The item's limits in every warehouse this user may use (null where none is set)."""
    item = get_item(code)
    found = {s.warehouse_id: s for s in StockLimit.objects.filter(item=item)}
    return [limit_dict(found.get(w.id), item, w) for w in user_warehouses(user)]


def set_limits(user, code: str, warehouse_code: str, data: dict) -> dict:
    """Set (or with both null, remove) the item's min and max quantity in one warehouse.
    0 ≤ min ≤ max; min may be 0 (reorder only when nothing is left)."""
    require(user, MASTER_DATA)
    item = get_item(code)
    wh = get_warehouse(warehouse_code)
    require_warehouses(user, wh)
    raw_min, raw_max = data.get("min_qty"), data.get("max_qty")
    with transaction.atomic():
        old = StockLimit.objects.select_for_update().filter(item=item, warehouse=wh).first()
        before = limit_dict(old, item, wh) if old else None
        if raw_min is None and raw_max is None:
            if old:
                old.delete()
                record(user, "delete", "stock_limit", f"{item.code}@{wh.code}", before=before)
            return limit_dict(None, item, wh)
        lo = to_qty_units(parse_decimal(raw_min, "min_qty", 4))
        hi = to_qty_units(parse_decimal(raw_max, "max_qty", 4))
        if hi < lo:
            raise DomainError(
                "invalid_limits",
                "max_qty must not be below min_qty",
                {"min_qty": qty_str(lo), "max_qty": qty_str(hi)},
            )
        limit, _created = StockLimit.objects.update_or_create(
            item=item, warehouse=wh, defaults={"min_qty": lo, "max_qty": hi}
        )
        after = limit_dict(limit, item, wh)
        record(user, "edit", "stock_limit", f"{item.code}@{wh.code}", before=before, after=after)
    return after


def limits_in(warehouse_ids) -> dict:
    """(item id, warehouse id) -> (min, max) of every limit in these warehouses (None: all),
    for the reorder report."""
    qs = StockLimit.objects.all()
    if warehouse_ids is not None:
        qs = qs.filter(warehouse_id__in=warehouse_ids)
    return {
        (i, w): (lo, hi)
        for i, w, lo, hi in qs.values_list("item_id", "warehouse_id", "min_qty", "max_qty")
    }


def set_item_limits(user, code: str, wanted: dict) -> None:
    """Several warehouses' limits of one item at once (the item page's form), all or nothing:
    warehouse code -> (min, max); a row equal to what is stored is left alone."""
    with transaction.atomic():
        for row in item_limits(user, code):
            pair = wanted.get(row["warehouse"])
            if pair is not None and pair != (row["min_qty"], row["max_qty"]):
                set_limits(user, code, row["warehouse"], {"min_qty": pair[0], "max_qty": pair[1]})
