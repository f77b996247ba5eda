"""What each outgoing move of the stock ledger (台账) was valued at: the FIFO layers it took
(source document, date, quantity, value) or the average unit cost it used — and, for a
monthly-average item, whether that average is still provisional (its period not closed).

The layers are not stored (inventory/fifo.py): they are replayed here from the key's live
original moves with their effective values, the same derivation the valuation uses."""

from collections import defaultdict

from django.db import connection

from openjxc.core.numbers import fen_str, qty_str, unit_cost_str

from .costing import as_date
from .fifo import FIFO, Layers
from .models import StockMove as M


def _methods(item_ids) -> dict:
    ids = sorted(set(item_ids))
    out = {}
    with connection.cursor() as cur:
        for n in range(0, len(ids), 500):
            part = ids[n : n + 500]
            cur.execute(
                f"SELECT id, costing_method FROM catalog_item WHERE id IN ({','.join(['%s'] * len(part))})",
                part,
            )
            out.update(cur.fetchall())
    return out


def fifo_used(item_id: int, warehouse_id: int) -> dict:
    """move id of each outgoing move of a FIFO key -> [(source move id, qty, value)] taken."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT m.id, m.rule, m.source_move_id, m.qty + COALESCE(a.q, 0), "
            "m.value + COALESCE(a.v, 0) "
            "FROM inventory_stockmove m JOIN documents_document d ON d.id = m.document_id "
            "LEFT JOIN (SELECT anchor_id, SUM(qty) AS q, SUM(value) AS v FROM inventory_stockmove "
            "  WHERE kind = 2 AND item_id = %s AND warehouse_id = %s GROUP BY anchor_id) a "
            "ON a.anchor_id = m.id WHERE m.item_id = %s AND m.warehouse_id = %s AND m.kind = 0 "
            "AND d.status <> 'cancelled' ORDER BY m.date, m.id",
            [item_id, warehouse_id, item_id, warehouse_id],
        )
        rows = cur.fetchall()
    layers, used = Layers(), {}
    bal_q = bal_v = 0
    for mid, rule, source, q, v in rows:
        q, v = int(q), int(v)
        if q > 0:
            layers.add(mid, q, v)
        elif q < 0 and rule == M.CAPPED_OUT:  # a linked purchase return: its receipt's layer
            used[mid] = layers.take_from(source, -q)[1]
        elif q < 0 and rule != M.FIXED_IN:
            used[mid] = layers.take(-q, [])[1]
        bal_q, bal_v = bal_q + q, bal_v + v
        if q < 0 and rule == M.FIXED_IN or q == 0:
            layers.settle(bal_q, bal_v)
    return used


def _sources(ids) -> dict:
    """move id -> (document number, date) of layer sources."""
    ids = sorted(i for i in set(ids) if i is not None)
    out = {}
    with connection.cursor() as cur:
        for n in range(0, len(ids), 500):
            part = ids[n : n + 500]
            cur.execute(
                "SELECT m.id, d.number, m.date FROM inventory_stockmove m JOIN documents_document d "
                f"ON d.id = m.document_id WHERE m.id IN ({','.join(['%s'] * len(part))})",
                part,
            )
            out.update({mid: (number, str(as_date(day))) for mid, number, day in cur.fetchall()})
    return out


def _closed_until():
    with connection.cursor() as cur:
        cur.execute("SELECT MAX(\"end\") FROM ledger_period WHERE status = 'closed'")
        found = cur.fetchone()
    return as_date(found[0]) if found and found[0] else None


def annotate(rows: list[dict], moves: list[tuple]) -> None:
    """Add `costing_method`, and to outgoing original moves `cost_layers` (FIFO) or
    `average_cost` with `average_provisional` (averages), to the ledger rows.
    moves[i] = (move id, kind, item id, warehouse id, qty, value, anchor id) of rows[i]."""
    methods = _methods(m[2] for m in moves)
    fifo_keys = {(m[2], m[3]) for m in moves if methods.get(m[2]) == FIFO and m[4] < 0}
    used = {}
    for item, wh in fifo_keys:
        used.update(fifo_used(item, wh))
    sources = _sources(s for parts in used.values() for s, _q, _v in parts)
    closed = _closed_until() if "monthly_average" in methods.values() else None
    value = defaultdict(int)  # an original's value with its adjustments (listed with it)
    for mid, kind, _i, _w, _q, v, anchor in moves:
        if kind != M.REVERSAL:
            value[anchor or mid] += v
    for row, (mid, kind, item, _wh, q, _v, _a) in zip(rows, moves, strict=True):
        method = methods.get(item)
        row["costing_method"] = method
        if kind != M.ORIGINAL or q >= 0:
            continue
        if mid in used:
            row["cost_layers"] = [
                {
                    "document": sources.get(src, ("", ""))[0],
                    "date": sources.get(src, ("", ""))[1],
                    "qty": qty_str(lq),
                    "value": fen_str(lv),
                }
                for src, lq, lv in used[mid]
            ]
        elif method != FIFO:
            row["average_cost"] = unit_cost_str(abs(value[mid]), abs(q))
            row["average_provisional"] = method == "monthly_average" and (
                closed is None or row["date"] > str(closed)
            )
