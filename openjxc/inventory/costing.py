"""Moving weighted average costing over an append-only stock ledger.

Why it works this way
---------------------
The timeline of an item × warehouse is its ORIGINAL moves of live (not cancelled) documents in
(date, id) order. A move's effective value is its own value plus the ADJUSTMENT rows anchored to
it; a cancelled document's moves are netted out by REVERSAL rows anchored to them. So the sum of
all rows is always the balance, and no row is ever rewritten once committed.

Appending at the end of a timeline (the usual case) is computed in memory from the balance
cache. Anything else — a back-dated approval, a cancellation — re-states the timeline from the
earliest changed position: every later move is revalued by its rule, and where the value differs
an ADJUSTMENT row is appended (rows inserted in the same transaction are simply given their final
value before commit). A changed outgoing move propagates along explicit links (transfer in,
linked return) to other timelines, earliest position first. The replay also proves that no
balance goes negative at any point after the change.

A stock count states the quantity at its position, not a difference: when the replay reaches
the move of an approved count, its quantity becomes counted − book before it, and where that
differs, the ADJUSTMENT row carries the quantity change too (valued like the count's gain or
loss). So a back-dated receipt before a count (or the cancel of one) leaves the stock on the
count's date at what was counted, and the stock after it unchanged.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from openjxc.core.errors import DomainError
from openjxc.core.numbers import QTY_SCALE, div_half_up, qty_str, to_fen

from . import fifo
from .models import StockMove as M


@dataclass(frozen=True, slots=True)
class CostAdjustment:
    """A change in the value (fen, signed) of an earlier move of another document, made by a
    re-statement: the posting engine books it per date against that document's counter. A
    count whose quantity alone changed gives one of value 0."""

    date: dt.date
    document_id: int
    item_id: int
    warehouse_id: int
    value: int


def as_date(v) -> dt.date:
    """Raw SQL returns dates as text on SQLite."""
    return dt.date.fromisoformat(v) if isinstance(v, str) else v


# The unit cost an AVERAGE_IN move takes when its balance is empty is a posting rule (a count
# line's price, else the item's purchase price). A move approved in this transaction carries it
# in its MoveSpec; for an older move that a restatement re-values, the posting recipes register
# a loader here (inventory cannot import posting): move ids -> {move id: unit cost | None}.
FALLBACK_LOADERS: list = []

# Rules whose value comes from several moves of the same document line (an assembly's output
# from its components) or from a share of one (a disassembly's outputs): inventory/links.py
# registers them, rule -> an object with fresh_value(spec, line's outgoing values),
# value(restatement, move id, source move id) and dependents(cursor, item, wh, day, first id).
LINKED_RULES: dict = {}


def value_for(
    rule, qty, bal_qty, bal_value, *, fixed=None, src_qty=None, src_value=None, fallback=None
):
    """The value (fen, signed) of a move by its valuation rule, given the balance before it."""
    if rule == M.COUNTED:
        rule = M.AVERAGE_OUT if qty < 0 else M.AVERAGE_IN
    if rule == M.FIXED_IN:
        return fixed
    if qty < 0:
        if bal_qty + qty == 0:
            return -bal_value  # empties the balance: takes exactly what is left
        avg = -div_half_up(-qty * bal_value, bal_qty)
        if rule == M.CAPPED_OUT and src_qty:
            return max(avg, -div_half_up(-qty * src_value, src_qty))
        if rule == M.EXACT_OUT and src_qty:
            return max(-max(bal_value, 0), -div_half_up(-qty * src_value, src_qty))
        return avg
    if rule == M.LINKED_IN and src_qty:
        return div_half_up(qty * src_value, src_qty)
    if bal_qty > 0:
        return div_half_up(qty * bal_value, bal_qty)
    return to_fen(Decimal(qty) / QTY_SCALE * (fallback or Decimal(0)))


def shortage(item_id, warehouse_id, day, bal_qty, qty) -> DomainError:
    with connection.cursor() as cur:
        cur.execute("SELECT code FROM catalog_item WHERE id = %s", [item_id])
        item = cur.fetchone()[0]
        cur.execute("SELECT code FROM inventory_warehouse WHERE id = %s", [warehouse_id])
        warehouse = cur.fetchone()[0]
    return DomainError(
        "insufficient_stock",
        f"库存不足: {item} @ {warehouse} on {day}: {qty_str(bal_qty)} on hand, "
        f"{qty_str(-qty)} required",
        {
            "item": item,
            "warehouse": warehouse,
            "date": str(day),
            "on_hand": qty_str(bal_qty),
            "required": qty_str(-qty),
        },
    )


@dataclass
class Restatement:
    """Re-values the timelines touched by a change; collects the adjustments to append."""

    cause_id: int
    fresh: set = field(default_factory=set)  # ids inserted in this transaction
    fresh_value: dict = field(default_factory=dict)  # id -> final value of a fresh row
    delta: dict = field(default_factory=dict)  # id -> value change of an older row
    fresh_qty: dict = field(default_factory=dict)  # id -> final quantity of a fresh count row
    qty_delta: dict = field(default_factory=dict)  # id -> quantity change of an older count row
    db_qty: dict = field(default_factory=dict)  # id -> effective quantity as committed
    pending: dict = field(default_factory=dict)  # (item, wh) -> earliest (date, id) to replay
    info: dict = field(default_factory=dict)  # id -> (date, item, wh, document_id, line_id)
    db_value: dict = field(default_factory=dict)  # id -> effective value as committed
    fallback: dict = field(default_factory=dict)  # id -> fallback unit cost for AVERAGE_IN
    src_qty: dict = field(default_factory=dict)  # id -> quantity of a move used as a source
    lock: object = None  # callable locking balance rows of keys before they are replayed
    locked: set = field(default_factory=set)
    fifo: dict = field(default_factory=dict)  # item -> whether its costing method is FIFO

    def schedule(self, key, pos):
        if key not in self.pending or pos < self.pending[key]:
            self.pending[key] = pos

    def run(self):
        while self.pending:
            key = min(self.pending, key=lambda k: self.pending[k])
            pos = self.pending.pop(key)
            if self.lock and key not in self.locked:
                self.lock([key])
                self.locked.add(key)
            self._replay(key, pos)

    def current(self, move_id):
        if move_id in self.fresh_value:
            return self.fresh_value[move_id]
        return self.db_value[move_id] + self.delta.get(move_id, 0)

    def current_qty(self, move_id):
        if move_id in self.fresh_qty:
            return self.fresh_qty[move_id]
        return self.db_qty[move_id] + self.qty_delta.get(move_id, 0)

    def _base(self, key, pos):
        item, wh = key
        day, first_id = pos
        with connection.cursor() as cur:
            cur.execute(
                "SELECT COALESCE(SUM(qty), 0), COALESCE(SUM(value), 0) FROM inventory_stockmove "
                "WHERE item_id = %s AND warehouse_id = %s AND (date < %s OR "
                "(date = %s AND COALESCE(anchor_id, id) < %s))",
                [item, wh, day, day, first_id],
            )
            q, v = cur.fetchone()
        q, v = int(q), int(v)

        # Changes this restatement already decided for rows before the position.
        def before(mid):
            i = self.info[mid]
            return (i[1], i[2]) == key and (i[0], mid) < pos

        v += sum(d for mid, d in self.delta.items() if before(mid))
        v += sum(fv - self.db_value[mid] for mid, fv in self.fresh_value.items() if before(mid))
        q += sum(d for mid, d in self.qty_delta.items() if before(mid))
        q += sum(fq - self.db_qty[mid] for mid, fq in self.fresh_qty.items() if before(mid))
        return q, v

    def _load(self, key, pos):
        item, wh = key
        day, first_id = pos
        live = "d.status <> 'cancelled'"
        later = "(m.date > %s OR (m.date = %s AND m.id >= %s))"
        with connection.cursor() as cur:
            # a count's counted quantity, unless the count was reversed (it then states nothing)
            cur.execute(
                f"SELECT m.id, m.date, m.qty + COALESCE(a.adj_qty, 0), m.value + COALESCE(a.adj, 0), "
                f"m.rule, m.source_move_id, m.document_id, m.line_id, "
                f"CASE WHEN d.status <> 'reversed' THEN l.base_qty END FROM inventory_stockmove m "
                f"JOIN documents_document d ON d.id = m.document_id "
                f"LEFT JOIN documents_documentline l ON l.id = m.line_id AND m.rule = {M.COUNTED} "
                f"LEFT JOIN (SELECT anchor_id, SUM(qty) AS adj_qty, SUM(value) AS adj FROM inventory_stockmove "
                f"  WHERE kind = 2 AND item_id = %s AND warehouse_id = %s AND date >= %s "
                f"  GROUP BY anchor_id) a ON a.anchor_id = m.id "
                f"WHERE m.item_id = %s AND m.warehouse_id = %s AND m.kind = 0 AND {live} AND {later} "
                f"ORDER BY m.date, m.id",
                [item, wh, day, item, wh, day, day, first_id],
            )
            rows = cur.fetchall()
            # Moves elsewhere that take their cost from one of these (transfer in, linked return).
            cur.execute(
                f"SELECT m.id, m.date, m.item_id, m.warehouse_id, m.source_move_id "
                f"FROM inventory_stockmove m JOIN documents_document d ON d.id = m.document_id "
                f"JOIN inventory_stockmove s ON s.id = m.source_move_id "
                f"WHERE m.kind = 0 AND {live} AND s.item_id = %s AND s.warehouse_id = %s "
                f"AND (s.date > %s OR (s.date = %s AND s.id >= %s))",
                [item, wh, day, day, first_id],
            )
            dependents: dict[int, list] = {}
            for mid, mdate, mitem, mwh, src in cur.fetchall():
                dependents.setdefault(src, []).append(((mitem, mwh), (as_date(mdate), mid)))
            for linked in LINKED_RULES.values():  # several sources per move (assemblies)
                for src, dep_key, dep_pos in linked.dependents(cur, item, wh, day, first_id):
                    dependents.setdefault(src, []).append((dep_key, dep_pos))
            sources = {r[5] for r in rows if r[5] is not None} - set(self.db_value)
            if sources:
                self._load_values(cur, sources)
        averaged = [
            r[0] for r in rows if r[4] in (M.AVERAGE_IN, M.COUNTED) and r[0] not in self.fallback
        ]
        for loader in FALLBACK_LOADERS if averaged else ():
            self.fallback.update(loader(averaged))
        return rows, dependents

    def _load_values(self, cur, ids):
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join(["%s"] * len(chunk))
            cur.execute(
                f"SELECT COALESCE(anchor_id, id), SUM(value), SUM(qty), "
                f"MIN(date), MIN(item_id), MIN(warehouse_id), MIN(document_id), MIN(line_id) "
                f"FROM inventory_stockmove WHERE kind <> 1 AND (id IN ({marks}) OR anchor_id IN ({marks})) "
                f"GROUP BY COALESCE(anchor_id, id)",
                chunk + chunk,
            )
            for mid, value, qty, day, item, wh, doc, line in cur.fetchall():
                self.db_value[mid] = int(value)
                self.src_qty[mid] = int(qty)
                self.info.setdefault(mid, (as_date(day), item, wh, doc, line))

    def _layers(self, key, pos, bal_q, bal_v):
        """FIFO items: the layers before `pos` (inventory/fifo.py), with the values this
        re-statement already decided; None for average-costed items."""
        if key[0] not in self.fifo:
            self.fifo[key[0]] = key[0] in fifo.fifo_items([key[0]])
        if not self.fifo[key[0]]:
            return None
        layers = fifo.load_layers(key[0], key[1], pos, bal_q, bal_v)
        for layer in list(layers.layers)[1:]:  # the oldest is settled against the balance
            if layer[0] in self.delta or layer[0] in self.fresh_value:
                layer[2] = self.current(layer[0])
        layers.settle(bal_q, bal_v)
        return layers

    def _replay(self, key, pos):
        bal_q, bal_v = self._base(key, pos)
        rows, dependents = self._load(key, pos)
        layers = self._layers(key, pos, bal_q, bal_v)
        item, wh = key
        # a timeline can hold 100,000 moves: the state in locals, current()/current_qty() inlined
        fresh, fresh_value, fresh_qty = self.fresh, self.fresh_value, self.fresh_qty
        delta, qty_delta, db_value, db_qty = self.delta, self.qty_delta, self.db_value, self.db_qty
        info, src_qty = self.info, self.src_qty
        for mid, day, qty, effective, rule, src, doc, line, counted in rows:
            day = as_date(day)
            db_v = db_value.setdefault(mid, int(effective))
            db_q = db_qty.setdefault(mid, int(qty))
            if mid not in info:
                info[mid] = (day, item, wh, doc, line)
            was = fresh_qty[mid] if mid in fresh_qty else db_q + qty_delta.get(mid, 0)
            qty = was if counted is None else int(counted) - bal_q
            if bal_q + qty < 0:
                raise shortage(item, wh, day, bal_q, qty)
            if qty != was:
                if mid in fresh:
                    fresh_qty[mid] = qty
                else:
                    qty_delta[mid] = qty - db_q
            before = fresh_value[mid] if mid in fresh_value else db_v + delta.get(mid, 0)
            kwargs = {}
            if src is not None:
                kwargs = {"src_qty": src_qty[src], "src_value": self.current(src)}
            if rule == M.FIXED_IN:
                kwargs["fixed"] = before
            if rule in (M.AVERAGE_IN, M.COUNTED):
                kwargs["fallback"] = self.fallback.get(mid)
            linked = LINKED_RULES.get(rule)
            if linked:  # an assembly's output, a disassembly's component: from their sources
                new = linked.value(self, mid, src)
                if layers is not None and qty > 0:
                    layers.add(mid, qty, new)
            elif layers is None:
                new = value_for(rule, qty, bal_q, bal_v, **kwargs)
            else:
                new = fifo.value_fifo(layers, value_for, rule, qty, bal_q, bal_v, mid, **kwargs)
            if new != before:
                if mid in fresh:
                    fresh_value[mid] = new
                else:
                    delta[mid] = new - db_v
                for dep_key, dep_pos in dependents.get(mid, ()):
                    self.schedule(dep_key, dep_pos)
            bal_q += qty
            bal_v += new
            src_qty.setdefault(mid, qty)

    def write(self):
        """Give fresh rows their final values and append adjustments; returns (cache deltas
        per key as (qty, value), the value adjustments as CostAdjustment rows)."""
        cache: dict[tuple, tuple[int, int]] = {}

        def add(key, dq, dv):
            q0, v0 = cache.get(key, (0, 0))
            cache[key] = (q0 + dq, v0 + dv)

        adjustments = []
        updates = []
        for mid in self.fresh_value.keys() | self.fresh_qty.keys():
            day, item, wh, doc, line = self.info[mid]
            fq, fv = self.current_qty(mid), self.current(mid)
            add((item, wh), fq - self.db_qty[mid], fv - self.db_value[mid])
            updates.append((fq, fv, mid))
        rows = []
        for mid in sorted(self.delta.keys() | self.qty_delta.keys()):
            d, dq = self.delta.get(mid, 0), self.qty_delta.get(mid, 0)
            if not d and not dq:
                continue
            day, item, wh, doc, line = self.info[mid]
            add((item, wh), dq, d)
            rows.append(
                (day, doc, line, item, wh, dq, d, M.ADJUSTMENT, 0, mid, None, self.cause_id)
            )
            # a count's quantity-only change too (value 0, no voucher line): the caller must
            # still move the count's batches and check the period is open
            adjustments.append(CostAdjustment(day, doc, item, wh, d))
        with connection.cursor() as cur:
            if updates:
                cur.executemany(
                    "UPDATE inventory_stockmove SET qty = %s, value = %s WHERE id = %s", updates
                )
            if rows:
                cur.executemany(INSERT_MOVE, rows)
        return cache, adjustments


MOVE_COLUMNS = (
    "date",
    "document_id",
    "line_id",
    "item_id",
    "warehouse_id",
    "qty",
    "value",
    "kind",
    "rule",
    "anchor_id",
    "source_move_id",
    "cause_id",
)
INSERT_MOVE = (
    "INSERT INTO inventory_stockmove (date, document_id, line_id, item_id, warehouse_id, qty, value, "
    "kind, rule, anchor_id, source_move_id, cause_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
