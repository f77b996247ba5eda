"""Cost and count re-statements that are due but missing (`reconcile`, `reconcile --fix`).

Every back-dated change re-states the later moves of its timelines in the same transaction
(inventory/costing.py). If one was lost — an adjustment row removed, books restored from a copy
taken mid-way — the stock ledger no longer says what its own replay says. This replays every
timeline of the open periods from the first open day (closed periods are proved by their
digests instead) and compares: the check reports each move whose value or counted quantity
differs; the repair appends the missing ADJUSTMENT rows with their cost-adjustment vouchers,
exactly as a back-dated posting would have."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from openjxc.core.numbers import QTY_SCALE, fen_str, qty_str
from openjxc.inventory.costing import Restatement
from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import add_to_cache, lock_balances
from openjxc.ledger.services import closed_through
from openjxc.posting import recipes  # noqa: F401  (registers the fallback costs the replay reads)
from openjxc.posting.engine import post_adjustment_vouchers


def first_open_day() -> dt.date | None:
    """The day after the last closed period (None while nothing is closed)."""
    last = closed_through()
    return last + dt.timedelta(days=1) if last else None


def _own_costs(cur, start) -> dict:
    """An average-in on an empty balance takes a fallback unit cost, the item's purchase price
    as it is now: replayed at today's price, a return posted at an older one would look
    re-stated. Here such a move keeps its own unit value (with its adjustments)."""
    cur.execute(
        "SELECT m.id, m.qty, m.value + COALESCE((SELECT SUM(a.value) FROM inventory_stockmove a "
        "WHERE a.anchor_id = m.id AND a.kind = %s), 0) FROM inventory_stockmove m "
        "WHERE m.kind = %s AND m.rule = %s AND m.date >= %s AND m.qty <> 0",
        [M.ADJUSTMENT, M.ORIGINAL, M.AVERAGE_IN, start],
    )
    return {
        mid: Decimal(int(v)) / 100 / (Decimal(int(q)) / QTY_SCALE) for mid, q, v in cur.fetchall()
    }


def _replay(lock=None) -> Restatement:
    """Replay every timeline with a move on or after the first open day; nothing is written."""
    start = first_open_day() or dt.date(1, 1, 1)
    r = Restatement(cause_id=None, lock=lock)
    with connection.cursor() as cur:
        r.fallback.update(_own_costs(cur, start))
        cur.execute(
            "SELECT DISTINCT item_id, warehouse_id FROM inventory_stockmove "
            "WHERE kind = 0 AND date >= %s",
            [start],
        )
        for item, wh in cur.fetchall():
            r.schedule((item, wh), (start, 0))
    r.run()
    return r


def _names(ids) -> dict:
    items, whs = {i for i, _w in ids}, {w for _i, w in ids}
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, code FROM catalog_item WHERE id IN ({','.join(['%s'] * len(items))})",
            list(items),
        )
        item_codes = dict(cur.fetchall())
        cur.execute(
            f"SELECT id, code FROM inventory_warehouse WHERE id IN ({','.join(['%s'] * len(whs))})",
            list(whs),
        )
        wh_codes = dict(cur.fetchall())
    return {(i, w): (item_codes[i], wh_codes[w]) for i, w in ids}


def _differences(r: Restatement) -> list[tuple]:
    """(move id, date, item, warehouse, document number, quantity change, value change)."""
    ids = sorted(mid for mid in r.delta.keys() | r.qty_delta.keys())
    found = [
        (mid, r.delta.get(mid, 0), r.qty_delta.get(mid, 0))
        for mid in ids
        if r.delta.get(mid, 0) or r.qty_delta.get(mid, 0)
    ]
    if not found:
        return []
    names = _names({(r.info[m][1], r.info[m][2]) for m, _d, _q in found})
    docs = {r.info[m][3] for m, _d, _q in found}
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, number FROM documents_document WHERE id IN ({','.join(['%s'] * len(docs))})",
            list(docs),
        )
        numbers = dict(cur.fetchall())
    return [
        (
            mid,
            r.info[mid][0],
            *names[r.info[mid][1], r.info[mid][2]],
            numbers[r.info[mid][3]],
            dq,
            d,
        )
        for mid, d, dq in found
    ]


def restatements_due() -> list[dict]:
    """The check: each move of the open periods whose re-stated value or counted quantity is
    missing from the stock ledger."""
    return [
        {
            "check": "cost_restatement",
            "document": number,
            "item": item,
            "warehouse": wh,
            "message": _(
                "%(document)s: %(item)s @ %(warehouse)s on %(date)s lacks a re-statement of "
                "%(qty)s / %(value)s"
            )
            % {
                "document": number,
                "item": item,
                "warehouse": wh,
                "date": day,
                "qty": qty_str(dq),
                "value": fen_str(d),
            },
        }
        for _mid, day, item, wh, number, dq, d in _differences(_replay())
    ]


def append_restatements() -> list[str]:
    """The repair, inside the caller's transaction: append the missing ADJUSTMENT rows, their
    cost-adjustment vouchers and the balance cache changes; returns what it appended."""
    r = _replay(lock=lock_balances)
    lines = _differences(r)
    if not lines:
        return []
    cache, adjustments = r.write()
    add_to_cache(cache)
    post_adjustment_vouchers(adjustments, None)
    return [
        f"re-statement {number}: {item} @ {wh} {day}: {qty_str(dq)} / {fen_str(d)}"
        for _mid, day, item, wh, number, dq, d in lines
    ]
