"""Purchase and sales summaries, gross margin, order follow-up — grouped reads of posted
documents (returns count negative; cancelled documents are left out, reversals net out)."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str, price_str, qty_str, round_half_up
from openjxc.documents.types import order_type, trade_types
from openjxc.inventory.costing import as_date
from openjxc.ledger.periods import ensure_periods

GROUPS = {
    "item": ("i.code", "i.name"),
    "partner": ("p.code", "p.name"),
    "salesperson": ("d.salesperson", "d.salesperson"),
    "period": ("pr.name", "pr.name"),
    "category": ("c.code", "c.name"),  # the item's own category (null: items without one)
}
SIDES = ("sales", "purchase")
KINDS = {side: trade_types(side) for side in SIDES}  # (outgoing or incoming type, its return)


def _group(by: str):
    if by not in GROUPS:
        raise DomainError(
            "invalid",
            "by must be item, partner, salesperson, period or category",
            {"field": "by"},
        )
    return GROUPS[by]


def _signed(column: str) -> str:
    """A line's column, negative on a return (the third parameter of the query's signs)."""
    return f"CASE WHEN d.type = %s THEN -{column} ELSE {column} END"


# Cost of a line = minus the value of its stock moves (original and adjustments, not cancellations).
LINE_COST = "-COALESCE((SELECT SUM(m.value) FROM inventory_stockmove m WHERE m.line_id = l.id AND m.kind <> 1), 0)"
POSTED_LINES = (
    "FROM documents_documentline l JOIN documents_document d ON d.id = l.document_id "
    "JOIN catalog_item i ON i.id = l.item_id JOIN partners_partner p ON p.id = d.partner_id "
    "LEFT JOIN catalog_category c ON c.id = i.category_id "
    'LEFT JOIN ledger_period pr ON d.date >= pr.start AND d.date <= pr."end" '
    "WHERE d.type IN (%s, %s) AND d.status IN ('approved', 'reversed') AND d.date >= %s AND d.date <= %s"
)


def _check_kind(kind: str) -> tuple[str, str]:
    if kind not in KINDS:
        raise DomainError("invalid", "kind must be sales or purchase", {"field": "kind"})
    return KINDS[kind]


def _in_warehouses(warehouse_ids, categories=None) -> tuple[str, list]:
    """SQL restricting the lines to a user's warehouses (None: all) and to the items of some
    categories (the ids of a category's subtree; None: all items)."""
    sql, args = "", []
    if warehouse_ids is not None:
        ids = sorted(warehouse_ids) or [0]
        sql, args = f" AND d.warehouse_id IN ({', '.join(['%s'] * len(ids))})", ids
    if categories is not None:
        ids = sorted(categories) or [0]
        sql += f" AND i.category_id IN ({', '.join(['%s'] * len(ids))})"
        args = [*args, *ids]
    return sql, args


def summary(
    kind: str, by: str, date_from: dt.date, date_to: dt.date, warehouse_ids=None, categories=None
) -> dict:
    """Quantity, amount, tax and gross per item / partner / salesperson / period / category;
    with cost and margin for sales. warehouse_ids: only those warehouses' documents (None: all);
    categories: only the items of these category ids (None: all). By item, a row names the
    item's category."""
    out_type, return_type = _check_kind(kind)
    key, name = _group(by)
    wh_sql, wh_args = _in_warehouses(warehouse_ids, categories)
    ensure_periods(min(date_to, timezone.localdate()))  # a read creates no future periods
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {key}, MIN({name}), SUM({_signed('l.base_qty')}), SUM({_signed('l.amount')}), "
            f"SUM({_signed('l.tax')}), SUM({_signed('l.amount_incl_tax')}), SUM({LINE_COST}), "
            f"MIN(c.code), MIN(c.name) {POSTED_LINES}{wh_sql} GROUP BY {key} ORDER BY {key}",
            [return_type] * 4 + [out_type, return_type, date_from, date_to, *wh_args],
        )
        rows = cur.fetchall()
    items, totals = [], [0, 0, 0, 0]
    for code, label, qty, amount, tax, gross, cost, cat, cat_name in rows:
        row = {
            by: code,
            "name": label,
            **({"category": cat, "category_name": cat_name} if by == "item" else {}),
            "qty": qty_str(int(qty)),
            "amount": fen_str(int(amount)),
            "tax": fen_str(int(tax)),
            "amount_incl_tax": fen_str(int(gross)),
        }
        if kind == "sales":
            row.update(_margin(int(amount), int(cost)))
        for n, v in enumerate((int(amount), int(tax), int(gross), int(cost))):
            totals[n] += v
        items.append(row)
    result = {
        "kind": kind,
        "by": by,
        "from": str(date_from),
        "to": str(date_to),
        "items": items,
        "count": len(items),
        "totals": {
            "amount": fen_str(totals[0]),
            "tax": fen_str(totals[1]),
            "amount_incl_tax": fen_str(totals[2]),
        },
    }
    if kind == "sales":
        result["totals"].update(_margin(totals[0], totals[3]))
    return result


def margin_pct(amount: int, cost: int) -> str | None:
    """Gross margin in percent of the amount, 2 places, ROUND_HALF_UP (exact: fen are integers)."""
    return str(round_half_up(Decimal(amount - cost) * 100 / Decimal(amount))) if amount else None


def _margin(amount: int, cost: int) -> dict:
    return {
        "cost": fen_str(cost),
        "margin": fen_str(amount - cost),
        "margin_pct": margin_pct(amount, cost),
    }


def details(
    kind: str,
    date_from: dt.date,
    date_to: dt.date,
    partner: str | None = None,
    item: str | None = None,
    salesperson: str | None = None,
    warehouse_ids=None,
    categories=None,
) -> dict:
    """Every posted line of deliveries and returns (sales) or receipts and returns (purchase), in
    date order, returns negative; sales lines carry their cost and margin. Totals over all rows.
    categories: only the items of these category ids (None: all)."""
    out_type, return_type = _check_kind(kind)
    ensure_periods(min(date_to, timezone.localdate()))  # a read creates no future periods
    where, args = "", []
    for column, value in (("p.code", partner), ("i.code", item), ("d.salesperson", salesperson)):
        if value:
            where += f" AND {column} = %s"
            args.append(value)
    wh_sql, wh_args = _in_warehouses(warehouse_ids, categories)
    where, args = where + wh_sql, args + wh_args
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.date, d.number, d.type, p.code, p.name, i.code, i.name, "
            "COALESCE(NULLIF(l.unit, ''), i.unit), d.salesperson, pr.name, "
            f"{_signed('l.qty')}, CAST(l.price AS TEXT), {_signed('l.amount')}, {_signed('l.tax')}, {_signed('l.amount_incl_tax')}, "
            f"{LINE_COST}, {_signed('l.base_qty')}, c.code, c.name {POSTED_LINES}{where} "
            "ORDER BY d.date, d.number, l.line_no",
            [return_type] * 5 + [out_type, return_type, date_from, date_to, *args],
        )
        rows = cur.fetchall()
    items, totals = [], [0, 0, 0, 0, 0]
    for (
        day,
        number,
        type_,
        p_code,
        p_name,
        i_code,
        i_name,
        unit,
        person,
        period,
        qty,
        price,
        amount,
        tax,
        gross,
        cost,
        base,
        cat,
        cat_name,
    ) in rows:
        row = {
            "date": str(as_date(day)),
            "period": period,
            "document": number,
            "type": type_,
            "partner": p_code,
            "partner_name": p_name,
            "item": i_code,
            "item_name": i_name,
            "unit": unit,
            "category": cat,
            "category_name": cat_name,
            "salesperson": person or "",
            "qty": qty_str(int(qty)),  # in the line's unit; base_qty in the item's base unit
            "base_qty": qty_str(int(base)),
            "price": price_str(Decimal(price)) if price is not None else None,
            "amount": fen_str(int(amount)),
            "tax": fen_str(int(tax)),
            "amount_incl_tax": fen_str(int(gross)),
        }
        if kind == "sales":
            row.update(_margin(int(amount), int(cost)))
        for n, v in enumerate((int(base), int(amount), int(tax), int(gross), int(cost))):
            totals[n] += v
        items.append(row)
    result = {
        "kind": kind,
        "from": str(date_from),
        "to": str(date_to),
        "items": items,
        "count": len(items),
        "totals": {
            "qty": qty_str(totals[0]),
            "amount": fen_str(totals[1]),
            "tax": fen_str(totals[2]),
            "amount_incl_tax": fen_str(totals[3]),
        },
    }
    if kind == "sales":
        result["totals"].update(_margin(totals[1], totals[4]))
    return result


ORDER_TYPES = {side: order_type(side) for side in SIDES}


_MARGIN_COLUMNS = [
    ("cost", gettext_lazy("Cost")),
    ("margin", gettext_lazy("Gross profit")),
    ("margin_pct", gettext_lazy("Margin %")),
]


def summary_columns(kind: str, by: str) -> list[tuple]:
    """The columns of the 销售汇总 / 采购汇总 export, the API's and the page's."""
    columns = [
        (by, gettext_lazy("Code")),
        ("name", gettext_lazy("Name")),
        ("qty", gettext_lazy("Quantity")),
        ("amount", gettext_lazy("Amount")),
        ("tax", gettext_lazy("Tax")),
        ("amount_incl_tax", gettext_lazy("Amount incl. tax")),
    ]
    if kind == "sales":
        columns += _MARGIN_COLUMNS
    if by == "item":
        columns.append(("category_name", gettext_lazy("Item category")))
    return columns


def detail_columns(kind: str, with_type: bool = False) -> list[tuple]:
    """The columns of the 销售明细 / 采购明细 export, the API's and the page's (which adds the
    document type): key and header in the user's language."""
    columns = [
        ("date", gettext_lazy("Date")),
        ("document", gettext_lazy("Number")),
        *([("type_label", gettext_lazy("Type"))] if with_type else []),
        ("partner", gettext_lazy("Partner code")),
        ("partner_name", gettext_lazy("Partner")),
        *([("salesperson", gettext_lazy("Salesperson"))] if kind == "sales" else []),
        ("item", gettext_lazy("Item code")),
        ("item_name", gettext_lazy("Item name")),
        ("category_name", gettext_lazy("Item category")),
        ("unit", gettext_lazy("Unit")),
        ("qty", gettext_lazy("Quantity")),
        ("price", gettext_lazy("Price")),
        ("amount", gettext_lazy("Amount")),
        ("tax", gettext_lazy("Tax")),
        ("amount_incl_tax", gettext_lazy("Amount incl. tax")),
    ]
    if kind == "sales":
        columns += _MARGIN_COLUMNS
    return columns


def order_follow_up(kind: str, categories=None) -> list[dict]:
    """Per open order line: ordered, fulfilled by approved deliveries/receipts, outstanding
    (categories: only the items of these category ids)."""
    order_type = ORDER_TYPES.get(kind)
    if order_type is None:
        raise DomainError("invalid", "kind must be sales or purchase", {"field": "kind"})
    cat_sql, cat_args = _in_warehouses(None, categories)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT o.number, o.date, o.status, p.code, i.code, l.base_qty, "
            "COALESCE((SELECT SUM(x.base_qty) FROM documents_documentline x JOIN documents_document xd ON xd.id = x.document_id "
            "  WHERE x.source_line_id = l.id AND xd.status = 'approved'), 0) "
            "FROM documents_documentline l JOIN documents_document o ON o.id = l.document_id "
            "JOIN partners_partner p ON p.id = o.partner_id JOIN catalog_item i ON i.id = l.item_id "
            "WHERE o.type = %s AND o.status IN ('approved', 'partial', 'completed', 'closed')"
            f"{cat_sql} ORDER BY o.date, o.number, l.line_no",
            [order_type, *cat_args],
        )
        rows = cur.fetchall()
    return [
        {
            "order": n,
            "date": str(day),
            "status": st,
            "partner": p,
            "item": i,
            "ordered": qty_str(int(q)),
            "fulfilled": qty_str(int(f)),
            "outstanding": qty_str(max(int(q) - int(f), 0) if st in ("approved", "partial") else 0),
        }
        for n, day, st, p, i, q, f in rows
    ]
