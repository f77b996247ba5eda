"""Reads for the owner's dashboard (首页) and the low-stock list: sales figures, receivables due,
items below their safety stock, documents waiting, a daily sales trend. Read-only; the figures
use the same rules as the sales summary (posted deliveries minus returns, cancelled left out)."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Count

from openjxc.core.numbers import fen_str, qty_str
from openjxc.documents.access import visible
from openjxc.documents.models import Document

from . import money, trade

SALES_TYPES = trade.KINDS["sales"]  # (delivery, return)


def sales_by_day(date_from: dt.date, date_to: dt.date) -> list[dict]:
    """Sales amount (tax-exclusive, returns negative) for every day of the range, zero days included."""
    out_type, return_type = SALES_TYPES
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.date, SUM(CASE WHEN d.type = %s THEN -d.amount ELSE d.amount END) FROM documents_document d "
            "WHERE d.type IN (%s, %s) AND d.status IN ('approved', 'reversed') AND d.date >= %s AND d.date <= %s "
            "GROUP BY d.date",
            [return_type, out_type, return_type, date_from, date_to],
        )
        sums = {str(day)[:10]: int(amount) for day, amount in cur.fetchall()}
    days, day = [], date_from
    while day <= date_to:
        days.append(
            {
                "date": str(day),
                "amount_fen": sums.get(str(day), 0),
                "amount": fen_str(sums.get(str(day), 0)),
            }
        )
        day += dt.timedelta(days=1)
    return days


def sales_trend(date_from: dt.date, date_to: dt.date) -> dict:
    """The daily sales of the range (sales_by_day, each day labelled MM-DD) and their total."""
    days = sales_by_day(date_from, date_to)
    for d in days:
        d["label"] = d["date"][5:]
    return {"days": days, "total": fen_str(sum(d["amount_fen"] for d in days))}


def sales_figures(today: dt.date, warehouse_ids=None) -> dict:
    """Today's and this month's sales, this month's cost and gross margin, and the top 10 items."""
    month = trade.summary("sales", "item", today.replace(day=1), today, warehouse_ids)
    day = trade.summary("sales", "item", today, today, warehouse_ids)
    top = sorted(month["items"], key=lambda r: -Decimal(r["amount"]))[:10]
    amount = month["totals"]["amount"]
    margin = month["totals"]["margin"]
    return {
        "today": day["totals"]["amount"],
        "month": amount,
        "cost": month["totals"]["cost"],
        "margin": margin,
        "margin_pct": month["totals"]["margin_pct"],
        "top_items": top,
    }


def receivables_due(today: dt.date) -> dict:
    """Open receivables and payables, and the receivables past their due date (账期; from the
    aging by due date: everything but what is not yet due)."""
    rec = money.aging("receivable", today, basis="due_date")["totals"]
    pay = money.aging("payable", today)["totals"]
    overdue = Decimal(rec["total"]) - Decimal(rec[money.NOT_DUE])
    return {"receivable": rec["total"], "overdue": f"{overdue:.2f}", "payable": pay["total"]}


def low_stock(warehouse_ids=None, categories=None) -> list[dict]:
    """Items whose projected quantity (on hand − reserved + on order, over the given warehouses
    or all) is below their safety stock, with the quantity to order to bring the projected stock
    to twice the safety stock: what is already ordered is not suggested again, what orders
    reserve is. categories: only the items of these category ids (None: all)."""
    cond, args = "", []
    if warehouse_ids is not None:
        ids = sorted(warehouse_ids) or [0]
        cond = f" AND b.warehouse_id IN ({','.join(['%s'] * len(ids))})"
        args = ids
    where, where_args = "", []
    if categories is not None:
        cats = sorted(categories) or [0]
        where, where_args = f" AND i.category_id IN ({','.join(['%s'] * len(cats))})", cats
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.code, i.name, i.unit, i.safety_stock, COALESCE(SUM(b.qty), 0), COALESCE(SUM(b.reserved), 0), "
            "COALESCE(SUM(b.on_order), 0), CAST(i.purchase_price AS TEXT) FROM catalog_item i "
            f"LEFT JOIN inventory_stockbalance b ON b.item_id = i.id{cond} "
            f"WHERE i.active AND i.safety_stock > 0{where} GROUP BY i.id, i.code, i.name, i.unit, "
            "i.safety_stock, i.purchase_price ORDER BY i.code",
            args + where_args,
        )
        rows = cur.fetchall()
    out = []
    for code, name, unit, safety, qty, reserved, on_order, price in rows:
        safety, qty, reserved, on_order = int(safety), int(qty), int(reserved), int(on_order)
        available = qty - reserved
        projected = available + on_order
        if projected >= safety:
            continue
        out.append(
            {
                "item": code,
                "item_name": name,
                "unit": unit,
                "safety_stock": qty_str(safety),
                "on_hand": qty_str(qty),
                "reserved": qty_str(reserved),
                "available": qty_str(available),
                "on_order": qty_str(on_order),
                "projected": qty_str(projected),
                "shortage": qty_str(safety - projected),
                "suggested": qty_str(safety * 2 - projected),
                "purchase_price": price,
            }
        )
    return out


def waiting_documents(user) -> list[dict]:
    """Drafts and documents pending approval that this user may see, counted by type and status."""
    rows = (
        visible(user, Document.objects.filter(status__in=[Document.DRAFT, Document.PENDING]))
        .values("type", "status")
        .annotate(n=Count("id"))
        .order_by("type", "status")
    )
    return [{"type": r["type"], "status": r["status"], "count": r["n"]} for r in rows]


def receivables_by_partner(kind: str | None = None) -> list[dict]:
    """Open receivable and payable per partner (from the open-item cache), partners with
    nothing open left out."""
    cond, args = "", []
    if kind:
        cond, args = " AND p.kind = %s", [kind]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.kind, p.code, p.name, "
            "SUM(CASE WHEN o.kind = 'receivable' THEN o.open_amount ELSE 0 END), "
            "SUM(CASE WHEN o.kind = 'payable' THEN o.open_amount ELSE 0 END), COUNT(*), MIN(o.date) "
            "FROM ledger_openitem o JOIN partners_partner p ON p.id = o.partner_id "
            f"WHERE o.open_amount <> 0{cond} GROUP BY p.kind, p.code, p.name ORDER BY p.kind, p.code",
            args,
        )
        rows = cur.fetchall()
    return [
        {
            "partner_kind": k,
            "partner": code,
            "partner_name": name,
            "receivable": fen_str(int(r)),
            "payable": fen_str(int(p)),
            "net": fen_str(int(r) - int(p)),
            "open_items": int(n),
            "oldest": str(oldest)[:10],
        }
        for k, code, name, r, p, n, oldest in rows
    ]


def receivables_summary(kinds, kind: str | None = None) -> dict:
    """应收应付: receivables_by_partner of the partner kinds a user may see (of one of them when
    `kind` is given), with the totals of receivable, payable and net."""
    rows = [r for r in receivables_by_partner(kind) if r["partner_kind"] in kinds]
    totals = {
        k: str(sum((Decimal(r[k]) for r in rows), Decimal("0.00")))
        for k in ("receivable", "payable", "net")
    }
    return {"items": rows, "totals": totals}
