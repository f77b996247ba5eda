"""Impact preview: run the action for real inside a transaction, read what it appended, roll
back. What the preview shows is therefore exactly what the action would do — same engine, same
rules — and nothing is changed.

Goods in transit sit in a hidden warehouse per transfer (inventory/transit.py): the preview
shows them under the transfer's target with `in_transit` true (在途), never the hidden code,
like the stock report; a user limited to some warehouses sees the rows of those (a transit row
when the transfer's source or target is one of them)."""

from django.db import connection, transaction

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str, qty_str
from openjxc.users.services import allowed_warehouse_ids

TABLES = ("inventory_stockmove", "ledger_voucher", "ledger_openitementry", "inventory_stockbalance")


class _Rollback(Exception):
    pass


def _max_ids(cur) -> dict:
    out = {}
    for t in TABLES[:3]:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}")
        out[t] = int(cur.fetchone()[0])
    return out


# the warehouse a row is shown under (a transit one: its transfer's target), whether it is in
# transit, and the warehouses that may see it (a transit one: the transfer's source and target)
SHOWN = (
    "COALESCE(tw.code, w.code), t.id IS NOT NULL, COALESCE(t.warehouse_id, w.id), "
    "COALESCE(t.to_warehouse_id, w.id)"
)
TRANSIT_JOIN = (
    "LEFT JOIN documents_document t ON t.id = w.transit_for_id "
    "LEFT JOIN inventory_warehouse tw ON tw.id = t.to_warehouse_id"
)


def _balances(cur) -> dict:
    cur.execute(
        f"SELECT b.item_id, b.warehouse_id, i.code, {SHOWN}, b.qty, b.value "
        "FROM inventory_stockbalance b JOIN catalog_item i ON i.id = b.item_id "
        f"JOIN inventory_warehouse w ON w.id = b.warehouse_id {TRANSIT_JOIN}"
    )
    return {
        (r[0], r[1]): (r[2], r[3], bool(r[4]), {r[5], r[6]}, int(r[7]), int(r[8]))
        for r in cur.fetchall()
    }


def preview(action, run, user=None) -> dict:
    """Run `run()` (one service call) and describe its effects; never commits. With `user`,
    only the stock and cost rows of that user's warehouses."""
    return preview_steps(action, [("", run)], user)


def preview_steps(action, steps, user=None) -> dict:
    """Run each (name, run) of `steps` in turn and describe them together (the net effect); with
    more than one step, also each step's own effects under `steps`. Never commits."""
    allowed = allowed_warehouse_ids(user)
    result: dict = {"action": action, "allowed": True, "blocked_by": None}
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                before_ids = _max_ids(cur)
                before = _balances(cur)
            parts = []
            for name, run in steps:
                with connection.cursor() as cur:
                    step_ids, step_before = _max_ids(cur), _balances(cur)
                try:
                    run()
                except DomainError as exc:
                    result.update(
                        allowed=False,
                        blocked_by={
                            "code": exc.code,
                            "message": exc.sentence(),
                            "details": exc.details,
                        },
                    )
                    raise _Rollback from None
                if len(steps) > 1:
                    with connection.cursor() as cur:
                        described = _describe(cur, step_ids, step_before, allowed)
                        parts.append({"step": name, **described})
            with connection.cursor() as cur:
                result.update(_describe(cur, before_ids, before, allowed))
            if parts:
                result["steps"] = parts
            raise _Rollback
    except _Rollback:
        pass
    return result


def _describe(cur, ids: dict, before: dict, allowed: set[int] | None) -> dict:
    after = _balances(cur)
    stock = []
    for key in sorted(set(before) | set(after)):
        b = before.get(key)
        a = after.get(key)
        bq, bv = (b[4], b[5]) if b else (0, 0)
        aq, av = (a[4], a[5]) if a else (0, 0)
        item, warehouse, in_transit, seen_by = (a or b)[:4]
        if (bq, bv) != (aq, av) and (allowed is None or seen_by & allowed):
            stock.append(
                {
                    "item": item,
                    "warehouse": warehouse,
                    "in_transit": in_transit,
                    "qty_before": qty_str(bq),
                    "qty_after": qty_str(aq),
                    "qty_change": qty_str(aq - bq),
                    "value_before": fen_str(bv),
                    "value_after": fen_str(av),
                    "value_change": fen_str(av - bv),
                }
            )
    cur.execute(
        f"SELECT d.number, d.type, m.date, i.code, {SHOWN}, SUM(m.value), "
        "(SELECT COALESCE(SUM(x.value), 0) FROM inventory_stockmove x WHERE x.document_id = d.id AND x.kind <> 1 "
        " AND x.item_id = m.item_id AND x.warehouse_id = m.warehouse_id AND x.id <= %s) "
        "FROM inventory_stockmove m JOIN documents_document d ON d.id = m.document_id "
        "JOIN catalog_item i ON i.id = m.item_id JOIN inventory_warehouse w ON w.id = m.warehouse_id "
        f"{TRANSIT_JOIN} WHERE m.id > %s AND m.kind = 2 GROUP BY d.id, d.number, d.type, m.date, "
        "m.item_id, m.warehouse_id, i.code, w.code, w.id, tw.code, t.id, t.warehouse_id, "
        "t.to_warehouse_id ORDER BY m.date, d.number",
        [ids["inventory_stockmove"], ids["inventory_stockmove"]],
    )
    costs = [
        {
            "document": n,
            "type": t,
            "date": str(day),
            "item": i,
            "warehouse": w,
            "in_transit": bool(transit),
            "cost_before": fen_str(-int(old)),
            "cost_after": fen_str(-int(old) - int(delta)),
            "change": fen_str(-int(delta)),
        }
        for n, t, day, i, w, transit, src, to, delta, old in cur.fetchall()
        if allowed is None or {src, to} & allowed
    ]
    cur.execute(
        "SELECT v.id, v.date, v.kind, v.memo, a.code, a.name, l.debit, l.credit FROM ledger_voucher v "
        "JOIN ledger_journalline l ON l.voucher_id = v.id JOIN ledger_account a ON a.id = l.account_id "
        "WHERE v.id > %s ORDER BY v.id, l.id",
        [ids["ledger_voucher"]],
    )
    vouchers: dict = {}
    for vid, day, kind, memo, code, name, d, c in cur.fetchall():
        v = vouchers.setdefault(vid, {"date": str(day), "kind": kind, "memo": memo, "lines": []})
        v["lines"].append(
            {
                "account": code,
                "account_name": name,
                "debit": fen_str(int(d)),
                "credit": fen_str(int(c)),
            }
        )
    cur.execute(
        "SELECT e.date, p.code, e.kind, d.number, e.entry, e.amount FROM ledger_openitementry e "
        "JOIN partners_partner p ON p.id = e.partner_id JOIN documents_document d ON d.id = e.document_id "
        "WHERE e.id > %s ORDER BY e.id",
        [ids["ledger_openitementry"]],
    )
    open_items = [
        {
            "date": str(day),
            "partner": p,
            "kind": k,
            "document": n,
            "entry": e,
            "amount": fen_str(int(a)),
        }
        for day, p, k, n, e, a in cur.fetchall()
    ]
    return {
        "stock": stock,
        "cost_changes": costs,
        "vouchers": list(vouchers.values()),
        "open_items": open_items,
    }
