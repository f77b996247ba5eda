"""Receivables and payables reads: aging, statements, uninvoiced deliveries, prices, margin."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from openjxc.catalog.pricing import (
    customer_level_price,
    default_sale_price,
    partner_price,
    per_unit,
    unit_list_price,
)
from openjxc.catalog.units import unit_factor
from openjxc.core.errors import DomainError
from openjxc.core.numbers import QTY_SCALE, div_half_up, fen_str, price_str
from openjxc.documents.models import Document
from openjxc.documents.types import (
    TYPES,
    codes,
    invoiced_types,
    order_type,
    returns_of,
    trade_types,
)
from openjxc.inventory.costing import as_date
from openjxc.users.masking import sees_cost

BUCKETS = (
    ("0-30", 30),
    ("31-60", 60),
    ("61-90", 90),
    ("91-180", 180),
    ("181-365", 365),
    ("365+", None),
)


BASES = ("date", "due_date")
NOT_DUE = "not_due"


def aging(kind: str, as_of: dt.date, basis: str = "date") -> dict:
    """Open amount per partner by days since the document date, as of a date; bucketed in SQL so
    that only one row per partner leaves the database.

    The date is the document's, or for an opening balance the original invoice's (origin_date).
    With basis "due_date" the days are days past the due date (an open item without one — a
    money document, an older document — falls due on its date), and what is not past due on
    `as_of` (due that day or later) goes to the bucket "not_due"."""
    if kind not in ("receivable", "payable"):
        raise DomainError("invalid", "kind must be receivable or payable", {"field": "kind"})
    if basis not in BASES:
        raise DomainError("invalid", "basis must be date or due_date", {"field": "basis"})
    day = "COALESCE(d.origin_date, d.date)"
    since = day if basis == "date" else f"COALESCE(d.due_date, {day})"
    if connection.vendor == "postgresql":
        age = f"(%s::date - {since})"
    else:
        age = f"CAST(julianday(%s) - julianday({since}) AS INTEGER)"
    buckets, low = [], -(10**9)
    if basis == "due_date":
        buckets.append("SUM(CASE WHEN age <= 0 THEN amt ELSE 0 END)")
        low = 0
    for _label, limit in BUCKETS:
        high = "" if limit is None else f" AND age <= {limit}"
        buckets.append(f"SUM(CASE WHEN age > {low}{high} THEN amt ELSE 0 END)")
        low = limit if limit is not None else low
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT code, name, SUM(amt), {', '.join(buckets)} FROM ("
            f"SELECT p.code AS code, p.name AS name, {age} AS age, SUM(e.amount) AS amt "
            f"FROM ledger_openitementry e JOIN documents_document d ON d.id = e.document_id "
            f"JOIN partners_partner p ON p.id = e.partner_id WHERE e.kind = %s AND e.date <= %s "
            f"GROUP BY p.code, p.name, d.id, d.date, d.origin_date, d.due_date "
            "HAVING SUM(e.amount) <> 0) x "
            "GROUP BY code, name ORDER BY code",
            [as_of, kind, as_of],
        )
        rows = cur.fetchall()
    labels = ([NOT_DUE] if basis == "due_date" else []) + [label for label, _ in BUCKETS]
    items, totals = [], [0] * (len(labels) + 1)
    for code, name, total, *amounts in rows:
        values = [int(total), *(int(a) for a in amounts)]
        for n, v in enumerate(values):
            totals[n] += v
        items.append(
            {
                "partner": code,
                "partner_name": name,
                "total": fen_str(values[0]),
                **{lbl: fen_str(v) for lbl, v in zip(labels, values[1:], strict=True)},
            }
        )
    return {
        "kind": kind,
        "as_of": str(as_of),
        "basis": basis,
        "items": items,
        "count": len(items),
        "totals": {
            "total": fen_str(totals[0]),
            **{lbl: fen_str(v) for lbl, v in zip(labels, totals[1:], strict=True)},
        },
    }


def statement(partner_ids: list[int], date_from: dt.date, date_to: dt.date) -> dict:
    """对账单: opening balance, every document and payment in the range, closing balance, and
    the money received / paid and not allocated within it at the end (预收 / 预付余额)."""
    marks = ",".join(["%s"] * len(partner_ids))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT e.kind, COALESCE(SUM(e.amount), 0) FROM ledger_openitementry e WHERE e.partner_id IN "
            f"({marks}) AND e.date < %s GROUP BY e.kind",
            [*partner_ids, date_from],
        )
        opening = {k: int(v) for k, v in cur.fetchall()}
        cur.execute(
            f"SELECT e.date, d.number, d.type, e.kind, e.entry, SUM(e.amount), d.due_date "
            f"FROM ledger_openitementry e "
            f"JOIN documents_document d ON d.id = e.document_id WHERE e.partner_id IN ({marks}) "
            f"AND e.date >= %s AND e.date <= %s AND e.entry IN ('raise', 'cancel', 'reverse') "
            f"GROUP BY e.date, d.number, d.type, e.kind, e.entry, d.id, d.due_date "
            f"ORDER BY e.date, d.id",
            [*partner_ids, date_from, date_to],
        )
        rows = cur.fetchall()
        money = codes(kind="money")
        cur.execute(  # the money documents' own open amounts: advances (预收 / 预付) within it
            "SELECT e.kind, COALESCE(SUM(e.amount), 0) FROM ledger_openitementry e "
            f"JOIN documents_document d ON d.id = e.document_id WHERE e.partner_id IN ({marks}) "
            f"AND e.date <= %s AND d.type IN ({','.join(['%s'] * len(money))}) GROUP BY e.kind",
            [*partner_ids, date_to, *money],
        )
        advances = {k: -int(v) for k, v in cur.fetchall()}
    balance = dict(opening)
    lines = []
    for day, number, dtype, kind, entry, amount, due in rows:
        balance[kind] = balance.get(kind, 0) + int(amount)
        lines.append(
            {
                "date": str(as_date(day)),
                # when what it raised falls due (账期); not on cancellations and money documents
                "due_date": str(as_date(due)) if due and entry == "raise" else None,
                "document": number,
                "type": dtype,
                "kind": kind,
                "entry": entry,
                "amount": fen_str(int(amount)),
                "balance": fen_str(balance[kind]),
            }
        )
    return {
        "from": str(date_from),
        "to": str(date_to),
        "opening": {k: fen_str(opening.get(k, 0)) for k in ("receivable", "payable")},
        "lines": lines,
        "items": lines,
        "count": len(lines),
        "closing": {k: fen_str(balance.get(k, 0)) for k in ("receivable", "payable")},
        "closing_advance": {
            "received": fen_str(advances.get("receivable", 0)),
            "paid": fen_str(advances.get("payable", 0)),
        },
    }


def uninvoiced() -> list[dict]:
    """Approved deliveries and receipts with amounts no approved invoice covers yet; what was
    returned from them is not to be invoiced (an invoice covers what was kept)."""
    derived = (
        "COALESCE((SELECT SUM(il.amount_incl_tax) FROM documents_documentline il "
        "  JOIN documents_document i ON i.id = il.document_id WHERE i.source_id = d.id "
        "  AND i.status = 'approved' AND i.type IN ({})), 0)"
    )
    invoices, invoiced = codes(kind="invoice"), invoiced_types()
    returns = returns_of(invoiced)

    def marks(types):
        return ", ".join(["%s"] * len(types))

    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.number, d.type, d.date, p.code, d.amount_incl_tax, "
            + derived.format(marks(invoices))
            + ", "
            + derived.format(marks(returns))
            + " "
            "FROM documents_document d JOIN partners_partner p ON p.id = d.partner_id "
            f"WHERE d.status = 'approved' AND d.type IN ({marks(invoiced)}) ORDER BY d.date, d.number",
            [*invoices, *returns, *invoiced],
        )
        rows = cur.fetchall()
    out = []
    for n, t, day, p, total, inv, ret in rows:
        left = int(total) - int(ret) - int(inv)
        if left:
            out.append(
                {
                    "document": n,
                    "type": t,
                    "date": str(as_date(day)),
                    "partner": p,
                    "amount": fen_str(int(total)),
                    "returned": fen_str(int(ret)),
                    "invoiced": fen_str(int(inv)),
                    "uninvoiced": fen_str(left),
                }
            )
    return out


def suggest_price(
    item, partner, kind: str, day: dt.date | None = None, unit: str | None = None
) -> dict:
    """The prices a line could take: the last one to this partner, the item's list price, the
    partner's price list entry and (sales) the price of the customer's level on `day`;
    `default_price` is what a sales line gets when none is typed (price list > level > list).
    多单位: all per `unit` (default the base unit) — the unit's own price where one is kept,
    else the base unit's price × the unit's factor."""
    if kind not in ("sales", "purchase"):
        raise DomainError("invalid", "kind must be sales or purchase", {"field": "kind"})
    unit, factor = unit_factor(item, unit, "unit")
    types = (trade_types(kind)[0], order_type(kind))  # the last price it was sold / bought at
    last = None
    if partner is not None:
        last = (
            Document.objects.filter(
                partner=partner,
                type__in=types,
                status__in=Document.POSTED,
                lines__item=item,
                lines__unit=unit,
            )
            .order_by("-date", "-id")
            .values_list("lines__price", flat=True)
            .first()
        )
    day = day or timezone.localdate()
    level = None
    if kind == "sales":
        level = customer_level_price(item.id, partner, day, unit)
        if level is None and unit:
            level = per_unit(customer_level_price(item.id, partner, day), factor)
    field = "sale_price" if kind == "sales" else "purchase_price"
    out = {
        "item": item.code,
        "partner": partner.code if partner else None,
        "kind": kind,
        "unit": unit or item.unit,
        "last_price": price_str(last),
        "list_price": price_str(unit_list_price(item, unit, factor, field)),
        "partner_price": price_str(per_unit(partner_price(item.id, partner), factor)),
        "level_price": price_str(level),
        "price_level": partner.price_level.code
        if kind == "sales" and partner is not None and partner.price_level_id
        else None,
    }
    if kind == "sales":
        out["default_price"] = price_str(default_sale_price(item, partner, day, unit, factor))
    return out


def visible_prices(
    user, item, partner, kind: str, day: dt.date | None = None, unit: str | None = None
) -> dict:
    """suggest_price without the purchase prices (cost) for a user who may not see cost."""
    prices = suggest_price(item, partner, kind, day, unit)
    if kind == "purchase" and not sees_cost(user):
        prices = {**prices, "last_price": None, "list_price": None, "partner_price": None}
    return prices


def document_margin(user, doc: Document) -> dict | None:
    """The margin a sales document's page shows: for users who see cost, on documents with lines
    of a type where a margin means something (None otherwise)."""
    if not TYPES[doc.type].margin or not sees_cost(user) or not doc.lines.exists():
        return None
    return margin(doc)


def margin(doc: Document) -> dict:
    """Estimated gross margin of a sales order or delivery at the current average cost."""
    if not TYPES[doc.type].margin:
        raise DomainError(
            "invalid", "margin is for sales orders and deliveries", {"field": "number"}
        )
    lines = list(doc.lines.select_related("item"))
    keys = {(ln.item_id, doc.warehouse_id) for ln in lines}
    with connection.cursor() as cur:
        avg = {}
        for item_id, wh in keys:
            cur.execute(
                "SELECT COALESCE(SUM(qty), 0), COALESCE(SUM(value), 0) FROM inventory_stockbalance "
                "WHERE item_id = %s" + (" AND warehouse_id = %s" if wh else ""),
                [item_id, wh] if wh else [item_id],
            )
            q, v = cur.fetchone()
            avg[item_id] = (int(q), int(v))
    out_lines, revenue, cost = [], 0, 0
    for ln in lines:
        q, v = avg[ln.item_id]
        if TYPES[doc.type].kind == "stock" and doc.status != Document.DRAFT:  # its own cost
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT COALESCE(-SUM(value), 0) FROM inventory_stockmove WHERE line_id = %s AND kind <> 1",
                    [ln.id],
                )
                line_cost = int(cur.fetchone()[0])
        else:
            line_cost = (
                div_half_up(ln.base_qty * v, q)
                if q > 0
                else int(
                    (
                        Decimal(ln.base_qty) / QTY_SCALE * (ln.item.purchase_price or 0) * 100
                    ).to_integral_value(ROUND_HALF_UP)
                )
            )
        revenue += ln.amount
        cost += line_cost
        out_lines.append(
            {
                "line": ln.id,
                "item": ln.item.code,
                "revenue": fen_str(ln.amount),
                "cost": fen_str(line_cost),
                "margin": fen_str(ln.amount - line_cost),
            }
        )
    pct = (
        (Decimal(revenue - cost) * 100 / Decimal(revenue)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if revenue
        else None
    )
    return {
        "document": doc.number,
        "revenue": fen_str(revenue),
        "cost": fen_str(cost),
        "margin": fen_str(revenue - cost),
        "margin_pct": str(pct) if pct is not None else None,
        "lines": out_lines,
    }
