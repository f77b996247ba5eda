"""Purchase and sales summaries, gross margin, order follow-up — grouped reads of posted
documents (returns count negative; cancelled documents are left out, reversals net out)."""

import datetime as dt

from django.db import connection

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str, qty_str

GROUPS = {"item": ("i.code", "i.name"), "partner": ("p.code", "p.name"), "salesperson": ("d.salesperson", "d.salesperson")}
KINDS = {"sales": ("sales_delivery", "sales_return"), "purchase": ("purchase_receipt", "purchase_return")}


def _group(by: str):
    if by not in GROUPS:
        raise DomainError("invalid", "by must be item, partner or salesperson", {"field": "by"})
    return GROUPS[by]


def summary(kind: str, by: str, date_from: dt.date, date_to: dt.date) -> dict:
    """Quantity, amount, tax and gross per item / partner / salesperson; with cost and margin for sales."""
    if kind not in KINDS:
        raise DomainError("invalid", "kind must be sales or purchase", {"field": "kind"})
    key, name = _group(by)
    out_type, return_type = KINDS[kind]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {key}, MIN({name}), "
            f"SUM(CASE WHEN d.type = %s THEN -l.qty ELSE l.qty END), "
            f"SUM(CASE WHEN d.type = %s THEN -l.amount ELSE l.amount END), "
            f"SUM(CASE WHEN d.type = %s THEN -l.tax ELSE l.tax END), "
            f"SUM(CASE WHEN d.type = %s THEN -l.amount_incl_tax ELSE l.amount_incl_tax END), "
            f"SUM(COALESCE((SELECT SUM(m.value) FROM inventory_stockmove m WHERE m.line_id = l.id AND m.kind <> 1), 0)) "
            f"FROM documents_documentline l JOIN documents_document d ON d.id = l.document_id "
            f"JOIN catalog_item i ON i.id = l.item_id JOIN partners_partner p ON p.id = d.partner_id "
            f"WHERE d.type IN (%s, %s) AND d.status IN ('approved', 'reversed') AND d.date >= %s AND d.date <= %s "
            f"GROUP BY {key} ORDER BY {key}",
            [return_type, return_type, return_type, return_type, out_type, return_type, date_from, date_to],
        )
        rows = cur.fetchall()
    items, totals = [], [0, 0, 0, 0]
    for code, label, qty, amount, tax, gross, stock_value in rows:
        row = {by: code, "name": label, "qty": qty_str(int(qty)), "amount": fen_str(int(amount)),
               "tax": fen_str(int(tax)), "amount_incl_tax": fen_str(int(gross))}
        if kind == "sales":
            cost = -int(stock_value)
            row.update(cost=fen_str(cost), margin=fen_str(int(amount) - cost),
                       margin_pct=f"{(int(amount) - cost) * 100 / int(amount):.2f}" if int(amount) else None)
        for n, v in enumerate((int(amount), int(tax), int(gross), -int(stock_value))):
            totals[n] += v
        items.append(row)
    result = {"kind": kind, "by": by, "from": str(date_from), "to": str(date_to), "items": items, "count": len(items),
              "totals": {"amount": fen_str(totals[0]), "tax": fen_str(totals[1]), "amount_incl_tax": fen_str(totals[2])}}
    if kind == "sales":
        result["totals"].update(cost=fen_str(totals[3]), margin=fen_str(totals[0] - totals[3]))
    return result


def order_follow_up(kind: str) -> list[dict]:
    """Per open order line: ordered, fulfilled by approved deliveries/receipts, outstanding."""
    order_type = {"sales": "sales_order", "purchase": "purchase_order"}.get(kind)
    if order_type is None:
        raise DomainError("invalid", "kind must be sales or purchase", {"field": "kind"})
    with connection.cursor() as cur:
        cur.execute(
            "SELECT o.number, o.date, o.status, p.code, i.code, l.qty, "
            "COALESCE((SELECT SUM(x.qty) FROM documents_documentline x JOIN documents_document xd ON xd.id = x.document_id "
            "  WHERE x.source_line_id = l.id AND xd.status = 'approved'), 0) "
            "FROM documents_documentline l JOIN documents_document o ON o.id = l.document_id "
            "JOIN partners_partner p ON p.id = o.partner_id JOIN catalog_item i ON i.id = l.item_id "
            "WHERE o.type = %s AND o.status IN ('approved', 'partial', 'completed', 'closed') "
            "ORDER BY o.date, o.number, l.line_no",
            [order_type],
        )
        rows = cur.fetchall()
    return [{"order": n, "date": str(day), "status": st, "partner": p, "item": i, "ordered": qty_str(int(q)),
             "fulfilled": qty_str(int(f)),
             "outstanding": qty_str(max(int(q) - int(f), 0) if st in ("approved", "partial") else 0)}
            for n, day, st, p, i, q, f in rows]
