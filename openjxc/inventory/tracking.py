"""Batches (批次) and serial numbers (序列号): quantity ledgers beside the stock ledger.

Cost stays per item × warehouse (costing.py); these ledgers only say WHICH batch and WHICH
serials a move took, so that stock can be shown per batch, outgoing lines can be picked
first-expiry-first-out (FEFO) and a serial can be traced. The engine calls `post_tracking`
after a document's stock moves are appended, `cancel_tracking` when it is cancelled and
`reverse_tracking` for its red-letter reversal, all in the posting's transaction. By then the
stock balance rows of every item × warehouse involved are locked (`lock_balances`), which
serialises postings of one item × warehouse; serial rows are locked as well, because one serial
may be received into any warehouse.

The rules, for an item whose `batch_tracked` / `serial_tracked` is set:
- an incoming move names its batch (the line's; a transfer's incoming side takes the batches
  its outgoing side picked) — none is `batch_required`;
- an outgoing move takes the line's batch, or picks FEFO across the batches (earliest expiry
  first, then production date, then code), splitting when one batch is not enough; a batch is
  available on a date only for the least of its balances from that date on (so that a
  back-dated issue never makes a later balance negative) — too little is `insufficient_stock`
  naming the batch;
- a serial line carries one serial per unit (`serial_count_mismatch`); receiving a serial that
  is in stock is `serial_in_stock`, issuing one that is not in that warehouse
  `serial_not_in_stock`;
- a stock count of a serial item lists the serials counted: those not in stock come in, those
  in stock and not listed go out, and the balance of both is the count's difference.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection

from openjxc.core.db import insert_rows
from openjxc.core.errors import DomainError
from openjxc.core.numbers import QTY_SCALE, qty_str

from .models import StockMove as M

BATCH_COLUMNS = (
    "date",
    "document_id",
    "line_id",
    "item_id",
    "warehouse_id",
    "batch_id",
    "qty",
    "kind",
    "anchor_id",
)
SERIAL_COLUMNS = (
    "date",
    "document_id",
    "line_id",
    "item_id",
    "warehouse_id",
    "serial",
    "qty",
    "kind",
    "anchor_id",
)


def _for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def _codes(item_id: int, warehouse_id: int) -> tuple[str, str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT (SELECT code FROM catalog_item WHERE id = %s), "
            "(SELECT code FROM inventory_warehouse WHERE id = %s)",
            [item_id, warehouse_id],
        )
        return cur.fetchone()


def batch_shortage(item_id, warehouse_id, day, batch: str, available: int, qty: int):
    item, warehouse = _codes(item_id, warehouse_id)
    return DomainError(
        "insufficient_stock",
        f"库存不足: {item} batch {batch} @ {warehouse} on {day}: {qty_str(available)} "
        f"available, {qty_str(qty)} required",
        {
            "item": item,
            "warehouse": warehouse,
            "batch": batch,
            "date": str(day),
            "on_hand": qty_str(available),
            "required": qty_str(qty),
        },
    )


def _serial_error(code: str, item_id: int, warehouse_id: int, serial: str, where=None):
    item, warehouse = _codes(item_id, warehouse_id)
    text = "is already in stock" if code == "serial_in_stock" else "is not in stock"
    details = {"item": item, "serial": serial, "warehouse": warehouse}
    if where:
        details["in_warehouse"] = where
    return DomainError(code, f"serial {serial} of {item} {text} ({warehouse})", details)


class _Batches:
    """Available quantity per batch of the item × warehouses of one posting, from `day` on."""

    def __init__(self, day: dt.date):
        self.day = day
        self.state: dict = {}  # (item, wh) -> {batch_id: [available, expiry, production, code]}

    def of(self, item_id: int, wh: int) -> dict:
        key = (item_id, wh)
        if key not in self.state:
            self.state[key] = _available(item_id, wh, self.day)
        return self.state[key]

    def take(self, item_id, wh, qty: int, batch_code: str | None) -> list[tuple[int, int]]:
        """[(batch id, qty taken)] for an outgoing qty (positive)."""
        avail = self.of(item_id, wh)
        if batch_code:
            found = [b for b, v in avail.items() if v[3] == batch_code]
            have = avail[found[0]][0] if found else 0
            if have < qty:
                raise batch_shortage(item_id, wh, self.day, batch_code, have, qty)
            avail[found[0]][0] -= qty
            return [(found[0], qty)]
        picks, left = [], qty
        order = sorted(
            (b for b, v in avail.items() if v[0] > 0),
            key=lambda b: (
                avail[b][1] is None,
                avail[b][1] or dt.date.max,
                avail[b][2] or dt.date.max,
                avail[b][3],
                b,
            ),
        )
        for b in order:
            n = min(left, avail[b][0])
            avail[b][0] -= n
            picks.append((b, n))
            left -= n
            if not left:
                return picks
        total = sum(v[0] for v in avail.values()) + qty - left
        raise batch_shortage(item_id, wh, self.day, "FEFO", total, qty)

    def give(self, item_id, wh, batch_id: int, qty: int) -> None:
        avail = self.of(item_id, wh)
        if batch_id not in avail:
            b = _batch_info([batch_id])[batch_id]
            avail[batch_id] = [0, b[1], b[2], b[0]]
        avail[batch_id][0] += qty


def _batch_info(ids) -> dict:
    marks = ",".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, code, expiry_date, production_date FROM inventory_batch WHERE id IN ({marks})",
            list(ids),
        )
        return {r[0]: (r[1], _d(r[2]), _d(r[3])) for r in cur.fetchall()}


def _d(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _available(item_id: int, wh: int, day: dt.date) -> dict:
    """{batch id: [available on `day`, expiry, production, code]}: the least of the batch's
    balances at the end of `day` and after every later move."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT b.batch_id, b.qty, t.expiry_date, t.production_date, t.code "
            "FROM inventory_batchbalance b JOIN inventory_batch t ON t.id = b.batch_id "
            "WHERE b.item_id = %s AND b.warehouse_id = %s",
            [item_id, wh],
        )
        out = {r[0]: [int(r[1]), _d(r[2]), _d(r[3]), r[4]] for r in cur.fetchall()}
        cur.execute(
            "SELECT batch_id, qty FROM inventory_batchmove WHERE item_id = %s AND warehouse_id = %s "
            "AND date > %s ORDER BY date, id",
            [item_id, wh, day],
        )
        later = cur.fetchall()
    if later:
        running = {b: v[0] for b, v in out.items()}
        for b, q in later:
            running[b] -= int(q)  # back to the balance at the end of `day`
        low = dict(running)
        for b, q in later:
            running[b] += int(q)
            low[b] = min(low[b], running[b])
        for b in out:
            out[b][0] = low[b]
    return out


def ensure_batch(item_id: int, code: str, production, expiry, where: str) -> int:
    """The batch's id, created by its first incoming move; dates given must agree with it."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO inventory_batch (item_id, code, production_date, expiry_date) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (item_id, code) DO NOTHING",
            [item_id, code, production, expiry],
        )
        cur.execute(
            "SELECT id, production_date, expiry_date FROM inventory_batch WHERE item_id = %s AND code = %s",
            [item_id, code],
        )
        bid, prod, exp = cur.fetchone()
    for name, given, kept in (("production_date", production, prod), ("expiry_date", expiry, exp)):
        if given is not None and _d(kept) is not None and given != _d(kept):
            raise DomainError(
                "invalid",
                f"batch {code} has {name} {kept}, not {given}",
                {"field": f"{where}.{name}", "batch": code},
            )
    return bid


class _Serials:
    """Where each serial of the posting is, locked, updated as the posting goes."""

    def __init__(self, keys):
        self.where: dict = {}
        self.last: dict = {}
        keys = sorted(set(keys))
        if not keys:
            return
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO inventory_serialstock (item_id, serial, warehouse_id) "
                "VALUES (%s, %s, NULL) ON CONFLICT (item_id, serial) DO NOTHING",
                keys,
            )
            cond = " OR ".join(["(item_id = %s AND serial = %s)"] * len(keys))
            params = [x for k in keys for x in k]
            cur.execute(
                f"SELECT item_id, serial, warehouse_id FROM inventory_serialstock WHERE {cond} "
                f"ORDER BY item_id, serial{_for_update()}",
                params,
            )
            self.where = {(r[0], r[1]): r[2] for r in cur.fetchall()}
            cur.execute(
                f"SELECT item_id, serial, MAX(date) FROM inventory_serialmove WHERE {cond} "
                "GROUP BY item_id, serial",
                params,
            )
            self.last = {(r[0], r[1]): _d(r[2]) for r in cur.fetchall()}

    def move(self, item_id, wh, serial: str, qty: int, day=None) -> None:
        key = (item_id, serial)
        here = self.where.get(key)
        late = day is not None and self.last.get(key) is not None and self.last[key] > day
        if qty > 0 and (here is not None or late):
            raise _serial_error("serial_in_stock", item_id, wh, serial, _wh_code(here))
        if qty < 0 and (here != wh or late):
            raise _serial_error("serial_not_in_stock", item_id, wh, serial, _wh_code(here))
        self.where[key] = wh if qty > 0 else None

    def in_stock(self, item_id, wh) -> set:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT serial FROM inventory_serialstock WHERE item_id = %s AND warehouse_id = %s",
                [item_id, wh],
            )
            return {r[0] for r in cur.fetchall()}

    def write(self) -> None:
        rows = [(wh, item, serial) for (item, serial), wh in sorted(self.where.items())]
        with connection.cursor() as cur:
            cur.executemany(
                "UPDATE inventory_serialstock SET warehouse_id = %s WHERE item_id = %s AND serial = %s",
                rows,
            )


def _wh_code(wh_id):
    if wh_id is None:
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT code FROM inventory_warehouse WHERE id = %s", [wh_id])
        return cur.fetchone()[0]


def _count_mismatch(ln, where: str, units: int) -> DomainError:
    given = len(ln.serials or [])
    return DomainError(
        "serial_count_mismatch",
        f"{where}: {given} serials for a quantity of {qty_str(units * QTY_SCALE)}",
        {"field": f"{where}.serials", "serials": given, "qty": qty_str(units * QTY_SCALE)},
    )


def post_tracking(document_id: int, day: dt.date, specs, lines) -> None:
    """Append the batch and serial moves of an approval (specs: the document's MoveSpecs, lines
    its DocumentLines with `item` loaded). Nothing happens for documents without tracked items."""
    items = {ln.item_id: ln.item for ln in lines}
    if not any(i.batch_tracked or i.serial_tracked for i in items.values()):
        return
    by_line = {ln.id: ln for ln in lines}
    where_of = {ln.id: f"lines[{n}]" for n, ln in enumerate(lines)}
    batches = _Batches(day)
    serial_keys = [
        (ln.item_id, s) for ln in lines if ln.item.serial_tracked for s in (ln.serials or [])
    ]
    serials = _Serials(serial_keys) if any(i.serial_tracked for i in items.values()) else None
    batch_rows, serial_rows, picked, serials_out = [], [], {}, {}
    for s in specs:
        item = items.get(s.item_id)
        ln = by_line.get(s.line_id)
        if item is None or ln is None or ln.item_id != s.item_id:
            continue  # another item's move (a component): no line tracking to apply
        where = where_of[s.line_id]
        if item.batch_tracked and s.qty:
            if s.qty < 0:
                picks = batches.take(s.item_id, s.warehouse_id, -s.qty, ln.batch or None)
                picked[s.line_id] = picks
                picks = [(b, -q) for b, q in picks]
            elif s.link_same_line:  # a transfer's incoming side: the batches its out side took
                picks = [(b, q) for b, q in picked[s.line_id]]
            else:
                if not ln.batch:
                    raise DomainError(
                        "batch_required",
                        f"{where}: item {item.code} is batch-tracked: give its batch",
                        {"field": f"{where}.batch", "item": item.code},
                    )
                bid = ensure_batch(s.item_id, ln.batch, ln.production_date, ln.expiry_date, where)
                picks = [(bid, s.qty)]
            for b, q in picks:
                if q > 0:
                    batches.give(s.item_id, s.warehouse_id, b, q)
                batch_rows.append(
                    (day, document_id, s.line_id, s.item_id, s.warehouse_id, b, q, 0, None)
                )
        if item.serial_tracked:
            moves = _serial_moves(s, ln, where, serials, serials_out)
            for serial, q in moves:
                serials.move(s.item_id, s.warehouse_id, serial, q, day)
                serial_rows.append(
                    (day, document_id, s.line_id, s.item_id, s.warehouse_id, serial, q, 0, None)
                )
    _write(batch_rows, serial_rows, serials)


def _serial_moves(s, ln, where: str, serials, serials_out: dict) -> list[tuple[str, int]]:
    """(serial, +1 / −1) of one move of a serial-tracked line."""
    listed = list(ln.serials or [])
    if s.rule == M.COUNTED:  # the serials counted: the difference to those in stock moves
        here = serials.in_stock(s.item_id, s.warehouse_id)
        gained = [x for x in listed if x not in here]
        lost = sorted(here - set(listed))
        if (len(gained) - len(lost)) * QTY_SCALE != s.qty or len(listed) * QTY_SCALE != ln.base_qty:
            raise _count_mismatch(ln, where, ln.base_qty // QTY_SCALE)
        return [(x, -1) for x in lost] + [(x, 1) for x in gained]
    if not s.qty:
        return []
    if s.link_same_line:
        return [(x, 1) for x in serials_out[s.line_id]]
    if abs(s.qty) % QTY_SCALE or len(listed) * QTY_SCALE != abs(s.qty):
        raise _count_mismatch(ln, where, abs(s.qty) // QTY_SCALE)
    if s.qty < 0:
        serials_out[s.line_id] = listed
        return [(x, -1) for x in listed]
    return [(x, 1) for x in listed]


def _write(batch_rows, serial_rows, serials) -> None:
    with connection.cursor() as cur:
        if batch_rows:
            insert_rows(cur, "inventory_batchmove", BATCH_COLUMNS, batch_rows)
            _update_batch_cache(cur, batch_rows)
        if serial_rows:
            insert_rows(cur, "inventory_serialmove", SERIAL_COLUMNS, serial_rows)
    if serials is not None and serial_rows:
        serials.write()


def _update_batch_cache(cur, rows) -> None:
    changes: dict = defaultdict(int)
    for r in rows:
        changes[(r[3], r[4], r[5])] += r[6]
    cur.executemany(
        "INSERT INTO inventory_batchbalance (item_id, warehouse_id, batch_id, qty) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (batch_id, warehouse_id) "
        "DO UPDATE SET qty = inventory_batchbalance.qty + EXCLUDED.qty",
        [(k[0], k[1], k[2], q) for k, q in sorted(changes.items()) if q],
    )


def _document_rows(document_id: int) -> tuple[list, list]:
    """The original batch and serial moves of a document, in posting order."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, date, line_id, item_id, warehouse_id, batch_id, qty FROM inventory_batchmove "
            "WHERE document_id = %s AND kind = 0 ORDER BY id",
            [document_id],
        )
        batch = cur.fetchall()
        cur.execute(
            "SELECT id, date, line_id, item_id, warehouse_id, serial, qty FROM inventory_serialmove "
            "WHERE document_id = %s AND kind = 0 ORDER BY id",
            [document_id],
        )
        serial = cur.fetchall()
    return batch, serial


def _take_back(document_id, batch, serial, day, target_id, kind, line_map) -> None:
    """Negate a document's batch and serial moves: what came in leaves first (it must still be
    there), then what went out comes back."""
    batches = _Batches(day)
    rows = []
    for mid, d, line, item, wh, b, q in sorted(batch, key=lambda r: -int(r[6])):
        q = int(q)
        if q > 0:
            avail = batches.of(item, wh).get(b, [0, None, None, ""])
            if avail[0] < q:
                code = _batch_info([b])[b][0]
                raise batch_shortage(item, wh, day, code, avail[0], q)
            avail[0] -= q
        when = _d(d) if kind == M.REVERSAL else day
        rows.append(
            (when, target_id, line_map.get(line, line), item, wh, b, -q, kind, _anchor(mid, kind))
        )
    srows = []
    serials = _Serials([(r[3], r[5]) for r in serial]) if serial else None
    for mid, d, line, item, wh, s, q in sorted(serial, key=lambda r: -int(r[6])):
        serials.move(item, wh, s, -int(q))
        when = _d(d) if kind == M.REVERSAL else day
        srows.append(
            (
                when,
                target_id,
                line_map.get(line, line),
                item,
                wh,
                s,
                -int(q),
                kind,
                _anchor(mid, kind),
            )
        )
    _write(rows, srows, serials)


def _anchor(mid, kind):
    return mid if kind == M.REVERSAL else None


def cancel_tracking(document_id: int) -> None:
    """作废: reversal rows dated like the originals, anchored to them."""
    batch, serial = _document_rows(document_id)
    if not batch and not serial:
        return
    day = min(_d(r[1]) for r in batch + serial)
    _take_back(document_id, batch, serial, day, document_id, M.REVERSAL, {})


def reverse_tracking(document_id: int, reversal_id: int, day: dt.date, line_map: dict) -> None:
    """红字冲销: the reversal document's own moves, dated `day`, on its lines."""
    batch, serial = _document_rows(document_id)
    if batch or serial:
        _take_back(document_id, batch, serial, day, reversal_id, M.ORIGINAL, line_map)


def follow_counts(cause_id: int) -> None:
    """A back-dated change re-states the quantity of a later approved stock count (costing.py
    appends an ADJUSTMENT row with the quantity change, caused by `cause_id`); the count's batch
    moves follow it, so that the batches still add up to the stock ledger: a larger gain goes
    into the count line's batch, a larger loss leaves it (or leaves FEFO when the line names
    none). Called only when the posting re-stated other documents' moves.

    A count of a serial-tracked item listed the very serials on hand: a change before it would
    have to bring listed serials back or send unlisted ones out at the count, contradicting the
    documents that moved them, so it is refused (count_serials_restated): cancel the count and
    count again, or date the change after it."""
    _refuse_serial_counts(cause_id)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT m.date, m.document_id, m.line_id, m.item_id, m.warehouse_id, m.qty, l.batch, "
            "l.production_date, l.expiry_date FROM inventory_stockmove m "
            "JOIN catalog_item i ON i.id = m.item_id "
            "JOIN documents_documentline l ON l.id = m.line_id "
            "WHERE m.cause_id = %s AND m.kind = 2 AND m.qty <> 0 AND i.batch_tracked ORDER BY m.id",
            [cause_id],
        )
        changes = cur.fetchall()
    rows = []
    for day, doc, line, item, wh, dq, batch, prod, exp in changes:
        day, dq = _d(day), int(dq)
        if dq > 0:
            bid = _count_batch(doc, line, batch, _d(prod), _d(exp), item)
            rows.append((day, doc, line, item, wh, bid, dq, 0, None))
            continue
        for bid, q in _Batches(day).take(item, wh, -dq, batch or None):
            rows.append((day, doc, line, item, wh, bid, -q, 0, None))
    _write(rows, [], None)


def _refuse_serial_counts(cause_id: int) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.number, i.code, m.date FROM inventory_stockmove m "
            "JOIN catalog_item i ON i.id = m.item_id JOIN documents_document d "
            "ON d.id = m.document_id WHERE m.cause_id = %s AND m.kind = 2 AND m.qty <> 0 "
            "AND i.serial_tracked ORDER BY m.id",
            [cause_id],
        )
        found = cur.fetchone()
    if found is not None:
        number, item, day = found
        raise DomainError(
            "count_serials_restated",
            f"the stock count {number} listed the serials of {item} on {day}: "
            "a change before it cannot re-state it",
            {"document": number, "item": item, "date": str(_d(day))},
        )


def _count_batch(doc, line, batch, prod, exp, item) -> int:
    """Where a count's larger gain goes: its line's batch, else the batch its gain went to."""
    if batch:
        return ensure_batch(item, batch, prod, exp, "lines")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT batch_id FROM inventory_batchmove WHERE document_id = %s AND line_id = %s "
            "AND kind = 0 ORDER BY id DESC LIMIT 1",
            [doc, line],
        )
        found = cur.fetchone()
    if found is None:
        raise DomainError(
            "batch_required",
            "a stock count's gain needs the batch it was counted in",
            {"field": "lines.batch", "item": _codes(item, 0)[0]},
        )
    return found[0]
