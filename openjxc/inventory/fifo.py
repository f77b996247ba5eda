"""First in, first out (先进先出) over the same append-only stock ledger.

Why there is no layer table
---------------------------
The layers on hand at any position of a timeline follow from the ledger itself: the stock
before the position is `bal_q`, and FIFO means it is made of the LAST incoming moves before
the position that add up to `bal_q` — the newest ones whole, the oldest of them partly. So the
layers are derived (newest first, stopping once `bal_q` is covered) whenever a posting or a
re-statement needs them, and nothing mutable is stored: a back-dated receipt or a cancellation
re-states later issues through the ordinary replay in costing.py, which asks this module for
the value of each move of a FIFO item instead of the moving average.

The partly consumed oldest layer takes whatever value the balance holds beyond the whole
layers (bal_v − their values), so the layers always add up to the balance exactly, whatever
rounding or value-only adjustments came before. An issue takes whole layers at their value and
the part of a layer at its unit cost, rounded half up; emptying the balance takes all of it.
"""

from collections import deque

from django.db import connection

from openjxc.core.numbers import div_half_up

from .models import StockMove as M

FIFO = "fifo"


def fifo_items(item_ids) -> set[int]:
    """The items among `item_ids` whose costing method is FIFO."""
    ids = sorted(set(item_ids))
    if not ids:
        return set()
    marks = ",".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id FROM catalog_item WHERE costing_method = %s AND id IN ({marks})",
            [FIFO, *ids],
        )
        return {r[0] for r in cur.fetchall()}


class Layers:
    """The FIFO layers of one item × warehouse: [move id, qty, value], oldest first."""

    def __init__(self, layers=()):
        self.layers = deque([list(x) for x in layers])

    def take(self, qty: int, used: list | None = None) -> tuple[int, list | None]:
        """Consume `qty` from the oldest layers: (value taken, [(move id, qty, value)] when
        a list to fill is given — the stock ledger's notes; a replay needs only the value)."""
        total, layers = 0, self.layers
        while qty > 0 and layers:
            layer = layers[0]
            mid, lq, lv = layer
            if qty >= lq:
                layers.popleft()
                part_q, part_v = lq, lv
            else:
                part_q, part_v = qty, div_half_up(qty * lv, lq)
                layer[1], layer[2] = lq - qty, lv - part_v
            if used is not None:
                used.append((mid, part_q, part_v))
            total += part_v
            qty -= part_q
        return total, used

    def take_from(self, source, qty: int) -> tuple[int, list[tuple[int, int, int]]]:
        """A purchase return of the receipt `source`: its layer first (as much as is left of
        it), the rest from the oldest layers."""
        layer = next((x for x in self.layers if x[0] == source), None) if source else None
        if layer is None:
            return self.take(qty, [])
        mid, lq, lv = layer
        part_q = min(qty, lq)
        part_v = lv if part_q == lq else div_half_up(part_q * lv, lq)
        if part_q == lq:
            self.layers.remove(layer)
        else:
            layer[1], layer[2] = lq - part_q, lv - part_v
        total, used = self.take(qty - part_q, [(mid, part_q, part_v)])
        return part_v + total, used

    def add(self, mid: int, qty: int, value: int) -> None:
        self.layers.append([mid, qty, value])

    def settle(self, bal_q: int, bal_v: int) -> None:
        """Make the layers add up to the balance (a value-only change, a fixed-value issue):
        the oldest layer takes the difference; quantities beyond the balance are dropped."""
        q = sum(x[1] for x in self.layers)
        while q > bal_q and self.layers:
            extra = min(q - bal_q, self.layers[0][1])
            self.take(extra)
            q -= extra
        if bal_q <= 0:
            self.layers.clear()
            return
        diff = bal_v - sum(x[2] for x in self.layers)
        if diff and self.layers:
            self.layers[0][2] += diff


def value_fifo(
    layers: Layers, value_for, rule, qty, bal_q, bal_v, mid, source=None, **kwargs
) -> int:
    """The value of a move of a FIFO item given the layers before it (which it updates); a
    linked purchase return (CAPPED_OUT, `source` its receipt's move) takes that receipt's layer."""
    if qty < 0 and rule != M.FIXED_IN:
        if bal_q + qty == 0:
            layers.layers.clear()
            return -bal_v
        if rule == M.CAPPED_OUT:
            return -layers.take_from(source, -qty)[0]
        taken, _used = layers.take(-qty)
        return -taken
    value = value_for(rule, qty, bal_q, bal_v, **kwargs)
    if qty > 0:
        layers.add(mid, qty, value)
    elif qty < 0:
        layers.settle(bal_q + qty, bal_v + value)
    return value


def load_layers(item_id: int, warehouse_id: int, pos, bal_q: int, bal_v: int) -> Layers:
    """The layers on hand just before `pos` ((date, id); None: at the end of the timeline): the
    newest incoming moves of live documents that cover `bal_q`, read newest first. A linked
    purchase return met on the way took its receipt's layer: what it took is taken off that
    layer when the receipt is reached (had it taken more, the receipt was the oldest layer and
    is not reached: the others cover the stock)."""
    if bal_q <= 0:
        return Layers()
    where, args = "", [item_id, warehouse_id]
    if pos is not None:
        where = "AND (m.date < %s OR (m.date = %s AND m.id < %s)) "
        args += [pos[0], pos[0], pos[1]]
    found, need, returned = [], bal_q, {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT m.id, m.source_move_id, m.qty + COALESCE((SELECT SUM(a.qty) FROM inventory_stockmove a "
            "WHERE a.anchor_id = m.id AND a.kind = 2), 0), m.value + COALESCE((SELECT SUM(a.value) "
            "FROM inventory_stockmove a WHERE a.anchor_id = m.id AND a.kind = 2), 0) "
            "FROM inventory_stockmove m JOIN documents_document d ON d.id = m.document_id "
            "WHERE m.item_id = %s AND m.warehouse_id = %s AND m.kind = 0 "
            f"AND (m.qty > 0 OR m.rule IN ({M.COUNTED}, {M.CAPPED_OUT})) "
            f"AND d.status <> 'cancelled' {where}"
            "ORDER BY m.date DESC, m.id DESC",
            args,
        )
        while need > 0:
            rows = cur.fetchmany(200)
            if not rows:
                break
            for mid, source, q, v in rows:
                q, v = int(q), int(v)
                if q < 0 and source is not None:  # a linked purchase return
                    rq, rv = returned.get(source, (0, 0))
                    returned[source] = (rq - q, rv - v)
                    continue
                if mid in returned:
                    q, v = q - returned[mid][0], v - returned[mid][1]
                if q <= 0:
                    continue
                found.append([mid, q, v])
                need -= q
                if need <= 0:
                    break
    found.reverse()
    if found and need < 0:  # the oldest is partly consumed: it holds what the others do not
        found[0][1] += need
    layers = Layers(found)
    if not found:
        layers.add(None, bal_q, bal_v)
    elif need > 0:  # more on hand than incoming moves (should not happen): one layer for it
        layers.layers.appendleft([None, need, 0])
    layers.settle(bal_q, bal_v)
    return layers
