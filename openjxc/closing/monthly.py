"""全月一次加权平均 (monthly weighted average) at close, and its removal at reopen.

Why it works this way
---------------------
During the period a monthly-average item is costed like a moving-average one: its outgoing
moves carry a provisional value (the average at the time), so stock and cost of goods sold are
always close to right. Closing the period states the final value of each outgoing move of the
period: (opening value + period in value) / (opening qty + period in qty) × its quantity,
rounded half up; the last one takes what remains when the period ends with no stock. The
difference to the move's current value is appended as an ADJUSTMENT row (rule MONTHLY_CLOSE)
anchored to the move and booked like any cost adjustment (1405 against the document's counter,
dated like the move). The ledger is never rewritten: reopening appends the negation of every
MONTHLY_CLOSE row of the period, which restores the provisional values exactly.

Both change the opening of the next period, so the moves already entered after the period are
re-stated by the ordinary replay (costing.py), with their own adjustment vouchers.

The computation is set-based: one grouped read of the period's moves of monthly-average items
with their adjustments, one of the opening balances (the previous period's snapshot), the rates
and rows in memory, then COPY (PostgreSQL) or one prepared INSERT (SQLite) and one cache update
(bench: `python -m bench --only monthly`).

The moves that take their cost from an issue of the period (transfer in, linked return,
assembled output, disassembly share) are stated with it: inside the period's monthly-average
set by closing/monthly_solve.py (a linear system per item over its warehouses), outside it (an
item of another method, a later period) by the replay, which keeps the stated issues.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection

from openjxc.catalog.models import Item
from openjxc.core.db import insert_tuples
from openjxc.inventory.costing import MOVE_COLUMNS, Restatement, as_date
from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import add_to_cache, lock_balances
from openjxc.ledger import chart as A
from openjxc.ledger.models import Voucher
from openjxc.ledger.services import account_ids, post_dated_vouchers
from openjxc.posting import recipes
from openjxc.posting.engine import adjusted_counters, post_adjustment_vouchers

from .monthly_solve import MonthlyMoves

MEMO = "全月一次加权平均 monthly average"
REOPEN_MEMO = "反结账 撤销 全月一次加权平均 monthly average"


def _rows(sql, args):
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def _opening(period, prev) -> dict:
    """(qty, value) per monthly-average key at the period's start: the previous closed
    period's snapshot, or every move before the start."""
    if prev is not None:
        sql, args = (
            "SELECT s.item_id, s.warehouse_id, s.qty, s.value FROM closing_stocksnapshot s "
            "JOIN catalog_item i ON i.id = s.item_id WHERE s.period_id = %s "
            "AND i.costing_method = %s",
            [prev.id, Item.MONTHLY_AVERAGE],
        )
    else:
        sql, args = (
            "SELECT m.item_id, m.warehouse_id, SUM(m.qty), SUM(m.value) FROM inventory_stockmove m "
            "JOIN catalog_item i ON i.id = m.item_id WHERE m.date < %s AND i.costing_method = %s "
            "GROUP BY m.item_id, m.warehouse_id",
            [period.start, Item.MONTHLY_AVERAGE],
        )
    return {(i, w): (int(q), int(v)) for i, w, q, v in _rows(sql, args)}


def _period_moves(period):
    """The period's original moves of monthly-average items (live documents), with their
    effective quantity and value, by key and in timeline order."""
    return _rows(
        "SELECT m.id, m.item_id, m.warehouse_id, CAST(m.date AS TEXT), m.qty + COALESCE(a.q, 0), "
        "m.value + COALESCE(a.v, 0), m.rule, m.document_id, m.line_id "
        "FROM inventory_stockmove m JOIN catalog_item i ON i.id = m.item_id "
        "JOIN documents_document d ON d.id = m.document_id "
        "LEFT JOIN (SELECT anchor_id, SUM(qty) AS q, SUM(value) AS v FROM inventory_stockmove "
        "  WHERE kind = 2 AND date >= %s AND date <= %s GROUP BY anchor_id) a ON a.anchor_id = m.id "
        "WHERE m.kind = 0 AND m.date >= %s AND m.date <= %s AND i.costing_method = %s "
        "AND d.status <> 'cancelled' ORDER BY m.item_id, m.warehouse_id, m.date, m.id",
        [period.start, period.end, period.start, period.end, Item.MONTHLY_AVERAGE],
    )


def keys_to_state(period) -> int:
    """How many monthly-average item × warehouse keys have outgoing moves in the period (what
    the close-check announces; one indexed count, not the computation)."""
    return int(
        _rows(
            "SELECT COUNT(*) FROM (SELECT DISTINCT m.item_id, m.warehouse_id "
            "FROM inventory_stockmove m JOIN catalog_item i ON i.id = m.item_id "
            "WHERE m.kind = 0 AND m.qty < 0 AND m.date >= %s AND m.date <= %s "
            "AND i.costing_method = %s) k",
            [period.start, period.end, Item.MONTHLY_AVERAGE],
        )[0][0]
    )


def _links(period) -> list:
    """(move, date, item, warehouse, source move, rule) of every live move that takes its cost
    from an outgoing move of the period of a monthly-average item: a transfer in, a linked
    return, a disassembly's component (`source_move`), an assembly's output (its line's
    components)."""
    args = [period.start, period.end, Item.MONTHLY_AVERAGE]
    period_issue = (
        "s.kind = 0 AND s.qty < 0 AND s.date >= %s AND s.date <= %s AND i.costing_method = %s "
        "AND d.status <> 'cancelled' AND m.kind = 0"
    )
    linked = _rows(
        "SELECT m.id, m.date, m.item_id, m.warehouse_id, s.id, m.rule FROM inventory_stockmove m "
        "JOIN inventory_stockmove s ON s.id = m.source_move_id JOIN catalog_item i ON i.id = "
        f"s.item_id JOIN documents_document d ON d.id = m.document_id WHERE {period_issue}",
        args,
    )
    assembled = _rows(
        "SELECT m.id, m.date, m.item_id, m.warehouse_id, s.id, m.rule FROM inventory_stockmove s "
        "JOIN catalog_item i ON i.id = s.item_id JOIN documents_document d ON d.id = s.document_id "
        "JOIN inventory_stockmove m ON m.document_id = s.document_id AND m.line_id = s.line_id "
        f"WHERE {period_issue} AND m.rule = %s",
        [*args, M.ASSEMBLED_IN],
    )
    return linked + assembled


def solve(period, prev) -> tuple[MonthlyMoves, list]:
    """The period's final values (closing/monthly_solve.py) and its links."""
    links = _links(period)
    moves = MonthlyMoves(
        _period_moves(period), _opening(period, prev), [(m, s, r) for m, *_, s, r in links]
    )
    moves.solve()
    return moves, links


def _lock(keys) -> None:
    keys = sorted(keys)
    if connection.vendor == "postgresql":  # one statement, two arrays; rows locked in key order
        with connection.cursor() as cur:
            cur.execute(
                "SELECT 1 FROM inventory_stockbalance b JOIN unnest(%s::bigint[], %s::bigint[]) "
                "AS k(item_id, warehouse_id) ON b.item_id = k.item_id AND b.warehouse_id = "
                "k.warehouse_id ORDER BY b.item_id, b.warehouse_id FOR UPDATE OF b",
                [[k[0] for k in keys], [k[1] for k in keys]],
            )
        return
    for n in range(0, len(keys), 400):  # a bounded statement per chunk, still in key order
        lock_balances(keys[n : n + 400])


def _append(rows, changes, memo) -> None:
    _lock(changes)
    with connection.cursor() as cur:  # COPY on PostgreSQL: 40,000 rows
        insert_tuples(cur, "inventory_stockmove", MOVE_COLUMNS, rows)
    add_to_cache(changes)  # on PostgreSQL one UPDATE … FROM unnest of the keys
    _book(rows, memo)


def _book(rows, memo) -> None:
    """1405 against each adjusted document's counter, one voucher per date."""
    counters = adjusted_counters({r[1] for r in rows})
    by_day: dict = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if counters.get(r[1]):
            by_day[as_date(r[0])][counters[r[1]]] += r[6]
    batch = []
    for day in sorted(by_day):
        lines = []
        for counter, amount in sorted(by_day[day].items()):
            lines += recipes.pair(A.INVENTORY, counter, amount)
        batch.append((day, lines))
    post_dated_vouchers(batch, None, Voucher.COST_ADJUSTMENT, memo, account_ids())


def _restate(period, keys, links, changed, final) -> None:
    """Re-state what the changed moves feed outside the period's monthly-average set: the
    moves after the period of keys whose period-end value changed, and the moves of other
    items (an assembled output of a moving-average or FIFO item) or later periods (a return of
    a delivery of the period) that take their cost from a changed move. `final`: the close's
    monthly-average issues of the period are stated, the replay keeps them (a reopen lets the
    replay give the provisional values back)."""
    start = period.end + dt.timedelta(days=1)
    pending = {}
    if keys:
        later = {
            (i, w)
            for i, w in _rows(
                "SELECT DISTINCT item_id, warehouse_id FROM inventory_stockmove WHERE date > %s "
                "AND kind = 0",
                [period.end],
            )
        } & set(keys)
        pending = {key: (start, 0) for key in later}
    for mid, day, item, wh, src, _rule in links:
        if src in changed and mid not in changed:
            pos = (as_date(day), mid)
            if pos < pending.get((item, wh), (dt.date.max, 0)):
                pending[(item, wh)] = pos
    if not pending:
        return
    _lock(pending)
    r = Restatement(cause_id=None, lock=lock_balances, final_until=period.end if final else None)
    for key, pos in pending.items():
        r.schedule(key, pos)
    r.run()
    cache, adjustments = r.write()
    add_to_cache(cache)
    post_adjustment_vouchers(adjustments, None)


def close(period, prev) -> int:
    """Append the monthly-average adjustments of the period; how many rows."""
    moves, links = solve(period, prev)
    rows, changes = [], defaultdict(lambda: [0, 0])
    for mid, (_m, item, wh, day, _q, _v, _r, doc, line), change in moves.changed():
        rows.append(
            (day, doc, line, item, wh, 0, change) + (M.ADJUSTMENT, M.MONTHLY_CLOSE, mid, None, None)
        )
        changes[(item, wh)][1] += change
    if rows:
        _append(rows, {k: tuple(v) for k, v in changes.items()}, MEMO)
        _restate(period, changes, links, {r[9] for r in rows}, final=True)
    return len(rows)


def _stated(period) -> list:
    """(move, date, document, line, item, warehouse, net value) of the period's MONTHLY_CLOSE
    rows, per issue."""
    return _rows(
        "SELECT anchor_id, MIN(date), MIN(document_id), MIN(line_id), MIN(item_id), "
        "MIN(warehouse_id), SUM(value) FROM inventory_stockmove WHERE kind = %s AND rule = %s "
        "AND date >= %s AND date <= %s GROUP BY anchor_id ORDER BY anchor_id",
        [M.ADJUSTMENT, M.MONTHLY_CLOSE, period.start, period.end],
    )


def stated_count(period) -> int:
    """How many issues of the period the live close has stated (what a reopen restores)."""
    return sum(1 for r in _stated(period) if int(r[6]))


def reopen(period) -> int:
    """Append the negation of the period's MONTHLY_CLOSE rows (net per move); how many rows."""
    found = _stated(period)
    rows, changes = [], defaultdict(lambda: [0, 0])
    for mid, day, doc, line, item, wh, value in found:
        if int(value):
            rows.append(
                (as_date(day), doc, line, item, wh, 0, -int(value))
                + (M.ADJUSTMENT, M.MONTHLY_CLOSE, mid, None, None)
            )
            changes[(item, wh)][1] -= int(value)
    if rows:
        _append(rows, {k: tuple(v) for k, v in changes.items()}, REOPEN_MEMO)
        _restate(period, changes, _links(period), {r[9] for r in rows}, final=False)
    return len(rows)
