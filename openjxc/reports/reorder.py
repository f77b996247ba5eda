"""补货建议 (reorder by velocity): the items at or below their minimum in a warehouse, how fast
they sell and how much to order; and the draft purchase orders for them.

Figures, per item × warehouse with a limit (inventory.StockLimit), in 1/10,000 units:
- projected = on_hand − reserved + on_order + in_transit (goods already on their way here from
  an in-transit transfer count like goods on order). The item is listed when projected ≤ min.
- daily_sales = net quantity the sales documents (deliveries less returns, not cancelled) took
  out of the warehouse over the `days` days ending today, ÷ days (4 places, half up).
- days_of_cover = (on_hand − reserved) ÷ daily_sales (1 place; null without sales).
- suggested_qty = max − projected: up to the maximum, net of on-order, in-transit and
  reservations.
The supplier of a suggestion is the item's last supplier: the partner of its latest purchase
order or purchase receipt that is not a draft, pending or cancelled. An item without one is
listed with supplier null and left out of the drafted orders (the response names it)."""

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.core.numbers import QTY_SCALE, div_half_up, qty_str, round_half_up
from openjxc.documents.access import require_type
from openjxc.documents.models import Document
from openjxc.documents.services import create_draft
from openjxc.documents.types import TYPES, order_of, order_type, trade_types
from openjxc.inventory.limits import limits_in
from openjxc.inventory.selectors import (
    by_date_index,
    item_names,
    warehouse_codes,
    warehouse_names,
)
from openjxc.inventory.transit import in_transit_by_target
from openjxc.users.services import EDIT, require

MAX_DAYS = 366
FEW_ITEMS = 200  # up to this many, the reads filter by item
LINES_PER_ORDER = 1000  # a document's limit (documents/services.py): more make several orders
PRICE_PLACES = Decimal("0.000001")


def _in(ids) -> tuple[str, list]:
    ids = sorted(ids) or [0]
    return f"IN ({', '.join(['%s'] * len(ids))})", ids


def _balances(keys) -> dict:
    """(item, warehouse) -> (on hand, reserved, on order) now, from the cache."""
    items, whs = _in({k[0] for k in keys}), _in({k[1] for k in keys})
    with connection.cursor() as cur:
        cur.execute(
            "SELECT item_id, warehouse_id, qty, reserved, on_order FROM inventory_stockbalance "
            f"WHERE item_id {items[0]} AND warehouse_id {whs[0]}",
            items[1] + whs[1],
        )
        return {(r[0], r[1]): (int(r[2]), int(r[3]), int(r[4])) for r in cur.fetchall()}


def _item_filter(keys, column: str) -> tuple[str, list]:
    """ " AND column IN (…)" for a few items; for many, nothing (the caller keeps its keys): a
    long IN list makes the planners probe the item index once per item, slower than one pass."""
    ids = {k[0] if isinstance(k, tuple) else k for k in keys}
    if len(ids) > FEW_ITEMS:
        return "", []
    sql, params = _in(ids)
    return f" AND {column} {sql}", params


def _sold(keys, first: dt.date, last: dt.date) -> dict:
    """(item, warehouse) -> net quantity the sales documents took out in [first, last]."""
    types, whs = _in(trade_types("sales")), _in({k[1] for k in keys})
    items, item_params = _item_filter(keys, "m.item_id")
    index = by_date_index(item_params)  # the date range, unless a few items are asked for
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT m.item_id, m.warehouse_id, -SUM(m.qty) FROM inventory_stockmove m{index} "
            "JOIN documents_document d ON d.id = m.document_id "
            f"WHERE m.date >= %s AND m.date <= %s AND m.warehouse_id {whs[0]}{items} "
            f"AND d.type {types[0]} AND d.status <> 'cancelled' "
            "GROUP BY m.item_id, m.warehouse_id",
            [first, last] + whs[1] + item_params + types[1],
        )
        return {(r[0], r[1]): int(r[2]) for r in cur.fetchall() if (r[0], r[1]) in keys}


def purchase_types() -> tuple:
    """The purchase order type and the receipts that fulfil it."""
    po = order_type("purchase")
    return tuple(c for c in TYPES if c == po or order_of(c) == po)


def last_suppliers(item_ids) -> dict:
    """item id -> (supplier code, name, price per base unit) of its latest posted purchase
    (order or receipt): per item, the line of the latest document by date then entry."""
    types, posted = _in(purchase_types()), _in(Document.POSTED)
    items, item_params = _item_filter(item_ids, "l.item_id")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT item_id, code, name, price, unit_factor FROM ("
            "SELECT l.item_id, p.code, p.name, CAST(l.price AS TEXT) AS price, l.unit_factor, "
            "ROW_NUMBER() OVER (PARTITION BY l.item_id ORDER BY d.date DESC, d.id DESC, "
            "l.id DESC) AS n FROM documents_documentline l "
            "JOIN documents_document d ON d.id = l.document_id "
            "JOIN partners_partner p ON p.id = d.partner_id "
            f"WHERE d.type {types[0]} AND d.status {posted[0]}{items}) latest WHERE n = 1",
            types[1] + posted[1] + item_params,
        )
        out = {}
        for item, code, name, price, factor in cur.fetchall():
            if item in item_ids:
                base = None if price is None else Decimal(price) * QTY_SCALE / int(factor)
                out[item] = (code, name, base)
        return out


def reorder(warehouse_ids, days: int, today: dt.date, keep_prices: bool = False) -> dict:
    """The report over these warehouses (None: all); see the module docstring."""
    if not 1 <= days <= MAX_DAYS:
        raise DomainError("invalid", f"days must be 1 to {MAX_DAYS}", {"field": "days"})
    limits = limits_in(warehouse_ids)
    if not limits:
        return {
            "days": days,
            "date_from": str(today),
            "date_to": str(today),
            "items": [],
            "count": 0,
        }
    first = today - dt.timedelta(days=days - 1)
    bal = _balances(limits)
    transit = in_transit_by_target(None, None, sorted({k[1] for k in limits}))
    sold = _sold(limits, first, today)
    rows = []
    for key, (lo, hi) in limits.items():
        on_hand, reserved, on_order = bal.get(key, (0, 0, 0))
        in_transit = transit.get(key, (0, 0))[0]
        projected = on_hand - reserved + on_order + in_transit
        if projected > lo:
            continue
        s = max(sold.get(key, 0), 0)
        cover = None
        if s:  # (on_hand − reserved) × days ÷ sold, in tenths of a day
            tenths = div_half_up(max(on_hand - reserved, 0) * days * 10, s)
            cover = f"{tenths // 10}.{tenths % 10}"
        rows.append(
            {
                "_key": key,
                "on_hand": qty_str(on_hand),
                "reserved": qty_str(reserved),
                "on_order": qty_str(on_order),
                "in_transit": qty_str(in_transit),
                "projected": qty_str(projected),
                "min_qty": qty_str(lo),
                "max_qty": qty_str(hi),
                "sold_qty": qty_str(s),
                "daily_sales": qty_str(div_half_up(s, days)),
                "days_of_cover": cover,
                "suggested_qty": qty_str(max(hi - projected, 0)),
            }
        )
    _name(rows)
    if not keep_prices:  # the last purchase price is cost: only the drafted orders use it
        for r in rows:
            r.pop("_price")
    rows.sort(key=lambda r: (r["item"], r["warehouse"]))
    return {
        "days": days,
        "date_from": str(first),
        "date_to": str(today),
        "items": rows,
        "count": len(rows),
    }


def _name(rows) -> None:
    items = item_names({r["_key"][0] for r in rows})
    whs = warehouse_codes({r["_key"][1] for r in rows})
    wh_names = warehouse_names(whs.values())
    suppliers = last_suppliers({r["_key"][0] for r in rows})
    for r in rows:
        i, w = r.pop("_key")
        sup = suppliers.get(i)
        r.update(
            {
                "item": items[i][0],
                "item_name": items[i][1],
                "unit": items[i][2],
                "warehouse": whs[w],
                "warehouse_name": wh_names.get(whs[w], ""),
                "supplier": sup[0] if sup else None,
                "supplier_name": sup[1] if sup else None,
                "_price": sup[2] if sup else None,
            }
        )


def draft_orders(user, warehouse_ids, days: int, today: dt.date, items=None) -> dict:
    """Draft purchase orders for the report's suggestions (only `items` when given): one per
    supplier and warehouse (several past 1,000 lines), dated today, each line at the last price
    paid to that supplier. Suggestions without a supplier, or with nothing to order, are listed
    in `skipped`; all or nothing."""
    require_type(user, order_type("purchase"))
    require(user, EDIT)
    rows = reorder(warehouse_ids, days, today, keep_prices=True)["items"]
    if items is not None:
        rows = [r for r in rows if r["item"] in set(items)]
    groups, skipped = {}, []
    for r in rows:
        if r["supplier"] is None or r["suggested_qty"] == "0":
            reason = "no_supplier" if r["supplier"] is None else "nothing_to_order"
            skipped.append({"item": r["item"], "warehouse": r["warehouse"], "reason": reason})
            continue
        line = {"item": r["item"], "qty": r["suggested_qty"]}
        if r["_price"] is not None:  # the last price paid (per base unit)
            line["price"] = str(round_half_up(r["_price"], PRICE_PLACES))
        groups.setdefault((r["supplier"], r["warehouse"]), []).append(line)
    orders = []
    with transaction.atomic():
        for (supplier, wh), all_lines in sorted(groups.items()):
            for n in range(0, len(all_lines), LINES_PER_ORDER):
                lines = all_lines[n : n + LINES_PER_ORDER]
                body = {
                    "type": order_type("purchase"),
                    "date": str(today),
                    "partner": supplier,
                    "warehouse": wh,
                    "memo": _("Created from the reorder suggestions"),
                    "lines": lines,
                }
                doc, _created = create_draft(user, body)
                orders.append(
                    {
                        "number": doc["number"],
                        "supplier": supplier,
                        "warehouse": wh,
                        "lines": len(lines),
                    }
                )
    return {"orders": orders, "skipped": skipped}
