"""Read-only reports. 进销存汇总表: opening from the last closed snapshot plus the moves since,
then in / out of the range; opening + in − out = closing always (cancelled documents' rows net
to zero and are left out)."""

import datetime as dt

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.closing.snapshots import latest_snapshot_before
from openjxc.core.numbers import fen_str, qty_str, unit_cost_str
from openjxc.inventory.selectors import by_date_index, move_rows, stock_filters
from openjxc.inventory.transit import transit_ids

from .category_totals import with_categories


def _warehouse_filter(warehouses, alias: str = "", categories=None) -> tuple[str, list]:
    """The " AND …" condition for None (all warehouses), one id or a list of ids, and the items
    of some categories (None: all items)."""
    where, params = stock_filters(None, warehouses, alias, categories)
    return ("".join(" AND " + w for w in where), params)


def _opening(day: dt.date, warehouse_id, by_warehouse: bool, categories=None) -> dict:
    snap = latest_snapshot_before(day)
    key = "item_id, warehouse_id" if by_warehouse else "item_id"
    wh, whp = _warehouse_filter(warehouse_id, categories=categories)
    if snap:
        sql = (
            f"SELECT {key}, SUM(qty), SUM(value) FROM ("
            f"SELECT item_id, warehouse_id, qty, value FROM closing_stocksnapshot WHERE period_id = %s{wh} "
            f"UNION ALL SELECT item_id, warehouse_id, qty, value FROM inventory_stockmove "
            f"WHERE date > %s AND date < %s{wh}) s GROUP BY {key}"
        )
        args = [snap.id, *whp, snap.end, day, *whp]
    else:
        # On SQLite the covering date index answers this without reading the table (see by_date_index).
        sql = (
            f"SELECT {key}, SUM(qty), SUM(value) FROM inventory_stockmove{by_date_index(None)} "
            f"WHERE date < %s{wh} GROUP BY {key}"
        )
        args = [day, *whp]
    with connection.cursor() as cur:
        cur.execute(sql, args)
        rows = cur.fetchall()
    n = 2 if by_warehouse else 1
    return {tuple(r[:n]): (int(r[n]), int(r[n + 1])) for r in rows}


def inventory_summary(
    date_from: dt.date,
    date_to: dt.date,
    warehouse_id=None,
    by_warehouse=False,
    categories=None,
    by_category=False,
) -> dict:
    """warehouse_id: None for all warehouses, one id, or a list of ids; categories: None for
    every item, else the category ids whose items count (a category's subtree). by_category:
    rows in category order with a subtotal per category (`categories`, see category_subtotals)."""
    opening = _opening(date_from, warehouse_id, by_warehouse, categories)
    key = "m.item_id, m.warehouse_id" if by_warehouse else "m.item_id"
    wh, whp = _warehouse_filter(warehouse_id, "m.", categories)
    # in or out: a row's own quantity; a value-only adjustment follows the move it adjusts, and
    # one of a count that found the book quantity (a zero move) follows what the count now posts
    direction = (
        "CASE WHEN m.qty <> 0 THEN m.qty WHEN a.qty <> 0 THEN a.qty ELSE COALESCE((SELECT SUM(x.qty) "
        "FROM inventory_stockmove x WHERE x.anchor_id = a.id AND x.kind = 2), 0) END"
    )
    sql = (
        f"SELECT {key}, "
        f"SUM(CASE WHEN {direction} > 0 THEN m.qty ELSE 0 END), SUM(CASE WHEN {direction} > 0 THEN m.value ELSE 0 END), "
        f"SUM(CASE WHEN {direction} < 0 THEN -m.qty ELSE 0 END), SUM(CASE WHEN {direction} < 0 THEN -m.value ELSE 0 END) "
        f"FROM inventory_stockmove m JOIN documents_document d ON d.id = m.document_id "
        f"LEFT JOIN inventory_stockmove a ON a.id = m.anchor_id AND m.kind = 2 "
        f"WHERE m.date >= %s AND m.date <= %s AND d.status <> 'cancelled'{wh} GROUP BY {key}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [date_from, date_to, *whp])
        moves = cur.fetchall()
    n = 2 if by_warehouse else 1
    flows = {tuple(r[:n]): tuple(int(x) for x in r[n:]) for r in moves}
    if by_warehouse:
        opening, flows = _fold_transit(opening), _fold_transit(flows)
    keys = set(opening) | set(flows)
    names = _names(keys, by_warehouse)
    rows, totals = [], [0] * 8
    for k in keys:
        oq, ov = opening.get(k, (0, 0))
        iq, iv, xq, xv = flows.get(k, (0, 0, 0, 0))
        cq, cv = oq + iq - xq, ov + iv - xv
        if not any((oq, ov, iq, iv, xq, xv)):
            continue
        item_code, item_name, unit, cat_id = names["items"][k[0]]
        row = {"item": item_code, "item_name": item_name, "unit": unit, "category_id": cat_id}
        if by_warehouse:
            row["warehouse"], row["warehouse_name"] = names["warehouses"][k[1]]
        row.update(
            {
                "opening_qty": qty_str(oq),
                "opening_value": fen_str(ov),
                "in_qty": qty_str(iq),
                "in_value": fen_str(iv),
                "out_qty": qty_str(xq),
                "out_value": fen_str(xv),
                "closing_qty": qty_str(cq),
                "closing_value": fen_str(cv),
                "closing_unit_cost": unit_cost_str(cv, cq),
            }
        )
        row["_sums"] = (oq, ov, iq, iv, xq, xv, cq, cv)
        for i, v in enumerate(row["_sums"]):
            totals[i] += v
        rows.append(row)
    rows.sort(key=lambda r: (r["item"], r.get("warehouse", "")))
    result = {
        "from": str(date_from),
        "to": str(date_to),
        "items": rows,
        "count": len(rows),
        "totals": figures(totals),
    }
    with_categories(result, categories, by_category)
    return result


SUMMARY_FIGURES = (
    "opening_qty",
    "opening_value",
    "in_qty",
    "in_value",
    "out_qty",
    "out_value",
    "closing_qty",
    "closing_value",
)


def figures(values) -> dict:
    """The eight integer sums of a summary row as the API gives them."""
    return {
        k: (qty_str(v) if k.endswith("qty") else fen_str(v))
        for k, v in zip(SUMMARY_FIGURES, values, strict=True)
    }


TRANSIT_ROW = 0  # the warehouse key of the goods in transit, all transfers together


def _fold_transit(sums: dict) -> dict:
    """Per item × warehouse sums with every hidden in-transit warehouse (one per transfer,
    inventory/transit.py) folded into one 在途 row per item: the report shows where goods are,
    not the engine's bookkeeping, and its totals stay those of all warehouses."""
    hidden = transit_ids()
    if not hidden:
        return sums
    out = {}
    for (item, wh), values in sums.items():
        key = (item, TRANSIT_ROW if wh in hidden else wh)
        old = out.get(key)
        out[key] = values if old is None else tuple(a + b for a, b in zip(old, values, strict=True))
    return out


def _names(keys, by_warehouse) -> dict:
    items = {k[0] for k in keys}
    out = {"items": {}, "warehouses": {}}
    with connection.cursor() as cur:
        ids = list(items)
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            cur.execute(
                f"SELECT id, code, name, unit, category_id FROM catalog_item WHERE id IN ({','.join(['%s'] * len(chunk))})",
                chunk,
            )
            out["items"].update({r[0]: (r[1], r[2], r[3], r[4]) for r in cur.fetchall()})
        if by_warehouse:
            cur.execute("SELECT id, code, name FROM inventory_warehouse")
            out["warehouses"] = {r[0]: (r[1], r[2]) for r in cur.fetchall()}
            out["warehouses"][TRANSIT_ROW] = ("~", _("In transit"))
    return out


def stock_ledger_columns(type_key: str = "type") -> list[tuple]:
    """The columns of the 库存台账 export, the API's and the page's (the page shows the type's
    label, `type_label`): key and header in the user's language."""
    return [
        ("date", gettext_lazy("Date")),
        ("document", gettext_lazy("Document")),
        (type_key, gettext_lazy("Type")),
        ("warehouse", gettext_lazy("Warehouse")),
        ("in_qty", gettext_lazy("Quantity in")),
        ("out_qty", gettext_lazy("Quantity out")),
        ("unit_cost", gettext_lazy("Unit cost")),
        ("value", gettext_lazy("Amount")),
        ("balance_qty", gettext_lazy("On hand")),
        ("balance_value", gettext_lazy("Balance value")),
    ]


def stock_ledger(item_id: int, warehouse_id, date_from: dt.date, date_to: dt.date) -> dict:
    """库存台账 of one item: opening row, every move with document, in/out/balance, closing."""
    q, v = _opening(date_from, warehouse_id, False).get((item_id,), (0, 0))
    rows = move_rows(
        item_id, warehouse_id, date_from, date_to, per_item=True, opening={item_id: [q, v]}
    )
    for r in rows:
        negative = r["qty"].startswith("-")
        r["in_qty"] = "0" if negative else r["qty"]
        r["out_qty"] = r["qty"][1:] if negative else "0"
    last = rows[-1] if rows else None
    return {
        "opening": {"qty": qty_str(q), "value": fen_str(v), "unit_cost": unit_cost_str(v, q)},
        "items": rows,
        "count": len(rows),
        "closing": {"qty": last["balance_qty"], "value": last["balance_value"]}
        if last
        else {"qty": qty_str(q), "value": fen_str(v)},
    }


# the 进销存汇总表's Excel columns (API and page export alike)
SUMMARY_COLUMNS = [
    ("item", gettext_lazy("Item code")),
    ("item_name", gettext_lazy("Item name")),
    ("unit", gettext_lazy("Unit")),
    ("category_name", gettext_lazy("Item category")),
    ("opening_qty", gettext_lazy("Opening quantity")),
    ("opening_value", gettext_lazy("Opening value")),
    ("in_qty", gettext_lazy("Quantity in")),
    ("in_value", gettext_lazy("Value in")),
    ("out_qty", gettext_lazy("Quantity out")),
    ("out_value", gettext_lazy("Value out")),
    ("closing_qty", gettext_lazy("On hand")),
    ("closing_value", gettext_lazy("Balance value")),
]
