"""Stock ledger writes: append a document's moves, cancel them, keep the balance cache."""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction

from openjxc.audit.services import record
from openjxc.core.codes import next_code
from openjxc.core.db import insert_models, insert_rows
from openjxc.core.errors import DomainError
from openjxc.core.validation import text_field
from openjxc.users.services import MASTER_DATA, require, require_warehouses

from .costing import (
    INSERT_MOVE,
    LINKED_RULES,
    MOVE_COLUMNS,
    CostAdjustment,
    Restatement,
    as_date,
    shortage,
    value_for,
)
from .fifo import FIFO, load_layers, value_fifo
from .models import StockMove as M
from .models import Warehouse
from .selectors import warehouse_dict

BULK = 500  # rows above which PostgreSQL gets one array per column (a large stock count)


@dataclass(frozen=True, slots=True)
class MoveSpec:
    """One stock move a recipe asks for. qty signed (1/10,000 units)."""

    line_id: int
    item_id: int
    warehouse_id: int
    qty: int
    rule: int
    fixed: int | None = None  # FIXED_IN value (fen)
    source_move_id: int | None = None  # LINKED_IN / CAPPED_OUT source
    link_same_line: bool = False  # transfer in: takes the value of this line's outgoing move
    fallback: Decimal | None = None  # AVERAGE_IN unit cost when the balance is empty
    share: tuple | None = None  # SPLIT_IN: (weight before it, its weight, total) on its line


# The re-statement a correction's cancel and re-entry share (shared_restatement), innermost last.
_SHARED: list[Restatement] = []


@contextmanager
def shared_restatement():
    """Within the block, cancel_moves only schedules its re-statement, and the next back-dated
    post_moves runs it with its own: a cancel and a re-entry at the same date re-state the later
    moves once, the adjustments booked to the re-entry. What is still scheduled when no post
    ran is for the caller (run_shared) before the block ends."""
    _SHARED.append(Restatement(cause_id=0, lock=lock_balances))
    try:
        yield
    finally:
        _SHARED.pop()


def _take_shared() -> Restatement | None:
    """The shared re-statement, if one is open, replaced by an empty one (it is written once)."""
    if not _SHARED:
        return None
    r, _SHARED[-1] = _SHARED[-1], Restatement(cause_id=0, lock=lock_balances)
    return r


def run_shared() -> tuple[int, list[CostAdjustment]]:
    """Run what cancels scheduled and no post ran: (the cancelled document's id, the
    adjustments of other documents' moves)."""
    r = _take_shared()
    if r is None or not r.pending:
        return 0, []
    r.run()
    cache, adjustments = r.write()
    _update_cache(cache, None)
    return r.cause_id, adjustments


def _for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def lock_balances(keys) -> dict:
    """Lock (creating where missing) the balance rows of item × warehouse keys, in key order:
    key -> [qty, value, last date, the item's costing method]. 500 keys a statement (a stock
    count locks 20,000: SQLite allows 32,766 parameters)."""
    keys = sorted(set(keys))
    found: dict = {}
    for n in range(0, len(keys), 500):
        found.update(_lock_chunk(keys[n : n + 500]))
    return found


def _lock_chunk(keys: list) -> dict:
    if not keys:
        return {}
    by_wh: dict = {}
    for item, wh in keys:
        by_wh.setdefault(wh, []).append(item)
    cond = " OR ".join(
        f"(warehouse_id = %s AND item_id IN ({', '.join(['%s'] * len(items))}))"
        for items in by_wh.values()
    )
    params = [x for wh, items in by_wh.items() for x in (wh, *items)]
    sql = (
        f"SELECT item_id, warehouse_id, qty, value, last_date, (SELECT i.costing_method FROM "
        f"catalog_item i WHERE i.id = item_id) FROM inventory_stockbalance "
        f"WHERE {cond} ORDER BY item_id, warehouse_id{_for_update()}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        found = {(r[0], r[1]): [int(r[2]), int(r[3]), as_date(r[4]), r[5]] for r in cur.fetchall()}
        missing = [k for k in keys if k not in found]
        if missing:
            cur.executemany(
                "INSERT INTO inventory_stockbalance (item_id, warehouse_id, qty, value, reserved, on_order) "
                "VALUES (%s, %s, 0, 0, 0, 0) ON CONFLICT (item_id, warehouse_id) DO NOTHING",
                missing,
            )
            cur.execute(sql, params)
            found = {
                (r[0], r[1]): [int(r[2]), int(r[3]), as_date(r[4]), r[5]] for r in cur.fetchall()
            }
    return found


def book_at(keys, day: dt.date) -> dict:
    """{(item, warehouse): quantity at the end of `day`} of many keys: one grouped query per
    warehouse and chunk (a stock count's book quantities), not one per key."""
    by_wh: dict = {}
    for item, wh in keys:
        by_wh.setdefault(wh, []).append(item)
    out = {k: 0 for k in keys}
    with connection.cursor() as cur:
        for wh, items in by_wh.items():
            for n in range(0, len(items), 500):
                chunk = items[n : n + 500]
                cur.execute(
                    "SELECT item_id, SUM(qty) FROM inventory_stockmove WHERE warehouse_id = %s "
                    f"AND date <= %s AND item_id IN ({','.join(['%s'] * len(chunk))}) "
                    "GROUP BY item_id",
                    [wh, day, *chunk],
                )
                out.update(((i, wh), int(q)) for i, q in cur.fetchall())
    return out


def balance_at(key, day: dt.date, balances: dict) -> tuple[int, int]:
    """Quantity and value of item × warehouse at the end of `day` (balances: locked cache)."""
    qty, value, last = balances[key][:3]
    if last is None or last <= day:
        return qty, value
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COALESCE(SUM(qty), 0), COALESCE(SUM(value), 0) FROM inventory_stockmove "
            "WHERE item_id = %s AND warehouse_id = %s AND date <= %s",
            [key[0], key[1], day],
        )
        q, v = cur.fetchone()
    return int(q), int(v)


def _source_values(ids) -> dict:
    """Effective (qty, value) of linked source moves."""
    if not ids:
        return {}
    marks = ",".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT COALESCE(anchor_id, id), SUM(qty), SUM(value) "
            f"FROM inventory_stockmove WHERE kind <> 1 AND (id IN ({marks}) OR anchor_id IN ({marks})) "
            f"GROUP BY COALESCE(anchor_id, id)",
            list(ids) + list(ids),
        )
        return {r[0]: (int(r[1]), int(r[2])) for r in cur.fetchall()}


def _insert(document_id: int, day: dt.date, specs, values) -> None:
    def row(s, v, source_move_id):
        return (
            day,
            document_id,
            s.line_id,
            s.item_id,
            s.warehouse_id,
            s.qty,
            v,
            M.ORIGINAL,
            s.rule,
            None,
            source_move_id,
            None,
        )

    pairs = list(zip(specs, values, strict=True))
    with connection.cursor() as cur:
        rows = [row(s, v, s.source_move_id) for s, v in pairs if not s.link_same_line]
        if connection.vendor == "postgresql" and len(rows) > BULK:  # unnest, as insert_models
            insert_models(M, [dict(zip(MOVE_COLUMNS, r, strict=True)) for r in rows])
        else:
            insert_rows(cur, "inventory_stockmove", MOVE_COLUMNS, rows)
        linked = [(s, v) for s, v in pairs if s.link_same_line]
        if linked:  # the incoming side of a line whose outgoing side was just inserted
            cur.execute(
                "SELECT line_id, id FROM inventory_stockmove WHERE document_id = %s AND kind = 0 AND qty < 0",
                [document_id],
            )
            out_ids = dict(cur.fetchall())
            rows = [row(s, v, out_ids[s.line_id]) for s, v in linked]
            insert_rows(cur, "inventory_stockmove", MOVE_COLUMNS, rows)


def _update_cache(changes: dict, day: dt.date | None) -> None:
    """changes: key -> (qty delta, value delta)."""
    rows = [(k[0], k[1], q, v, day) for k, (q, v) in sorted(changes.items())]
    if connection.vendor == "postgresql" and len(rows) > BULK:
        # a count of 20,000 lines: one array per column, not 100,000 placeholders (psycopg
        # parses a multi-row VALUES with a regex, and allows 65,535 parameters)
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE inventory_stockbalance b SET qty = b.qty + v.dq, value = b.value + v.dv, "
                "last_date = CASE WHEN b.last_date IS NULL OR b.last_date < %s::date "
                "THEN %s::date ELSE b.last_date END "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[]) "
                "AS v(item_id, warehouse_id, dq, dv) "
                "WHERE b.item_id = v.item_id AND b.warehouse_id = v.warehouse_id",
                [day, day, *([r[i] for r in rows] for i in range(4))],
            )
        return
    if connection.vendor == "postgresql" and rows:
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE inventory_stockbalance b SET qty = b.qty + v.dq, value = b.value + v.dv, "
                "last_date = CASE WHEN b.last_date IS NULL OR b.last_date < v.day THEN v.day ELSE b.last_date END "
                "FROM (VALUES "
                + ", ".join(
                    ["(%s::bigint, %s::bigint, %s::bigint, %s::bigint, %s::date)"] * len(rows)
                )
                + ") AS v(item_id, warehouse_id, dq, dv, day) "
                "WHERE b.item_id = v.item_id AND b.warehouse_id = v.warehouse_id",
                [x for r in rows for x in r],
            )
        return
    with connection.cursor() as cur:
        cur.executemany(
            "UPDATE inventory_stockbalance SET qty = qty + %s, value = value + %s, "
            "last_date = CASE WHEN last_date IS NULL OR last_date < %s THEN %s ELSE last_date END "
            "WHERE item_id = %s AND warehouse_id = %s",
            [(q, v, day, day, k[0], k[1]) for k, (q, v) in sorted(changes.items())],
        )


def add_to_cache(changes: dict) -> None:
    """Apply value (and quantity) changes {key: (qty, value)} of appended rows to the cache."""
    _update_cache(changes, None)


def post_moves(
    document_id: int, day: dt.date, specs: list[MoveSpec], balances: dict
) -> tuple[list[int], list[CostAdjustment]]:
    """Append a document's moves. Returns (values per spec, adjustments of other moves).

    `balances` is the locked cache from lock_balances for every key of the specs."""
    keys = {(s.item_id, s.warehouse_id) for s in specs}
    sources = _source_values({s.source_move_id for s in specs if s.source_move_id})
    at_end = all(balances[k][2] is None or balances[k][2] <= day for k in keys)
    if at_end and not (_SHARED and _SHARED[-1].pending):
        values = _append_at_end(day, specs, balances, sources)
        _insert(document_id, day, specs, values)
        changes: dict = {}
        for s, v in zip(specs, values, strict=True):
            q0, v0 = changes.get((s.item_id, s.warehouse_id), (0, 0))
            changes[(s.item_id, s.warehouse_id)] = (q0 + s.qty, v0 + v)
        _update_cache(changes, day)
        return values, []
    return _post_back_dated(document_id, day, specs, sources)


def _append_at_end(day, specs, balances, sources):
    state = {k: [b[0], b[1]] for k, b in balances.items()}
    values = []
    out_by_line = {}
    fifo = {k[0] for k, b in balances.items() if b[3] == FIFO}  # lock_balances read the method
    layers = {}  # FIFO keys: the layers on hand, derived once (inventory/fifo.py)
    line_outs: dict = {}  # line -> values of its outgoing moves (an assembly's components)
    for s in specs:
        key = (s.item_id, s.warehouse_id)
        st = state[key]
        if st[0] + s.qty < 0:
            raise shortage(s.item_id, s.warehouse_id, day, st[0], s.qty)
        src_qty = src_value = None
        if s.link_same_line:
            src_qty, src_value = out_by_line[s.line_id]
        elif s.source_move_id:
            src_qty, src_value = sources[s.source_move_id]
        kwargs = {"fixed": s.fixed, "src_qty": src_qty, "src_value": src_value}
        kwargs["fallback"] = s.fallback
        linked = LINKED_RULES.get(s.rule)
        if linked:  # an assembly's output, a disassembly's component: from their sources
            v = linked.fresh_value(s, line_outs.get(s.line_id, ()))
            if s.item_id in fifo and s.qty > 0:
                if key not in layers:
                    layers[key] = load_layers(s.item_id, s.warehouse_id, None, st[0], st[1])
                layers[key].add(None, s.qty, v)
        elif s.item_id in fifo:
            if key not in layers:
                layers[key] = load_layers(s.item_id, s.warehouse_id, None, st[0], st[1])
            v = value_fifo(
                layers[key],
                value_for,
                s.rule,
                s.qty,
                st[0],
                st[1],
                None,
                s.source_move_id,
                **kwargs,
            )
        else:
            v = value_for(s.rule, s.qty, st[0], st[1], **kwargs)
        if s.qty < 0:
            out_by_line[s.line_id] = (s.qty, v)
            line_outs.setdefault(s.line_id, []).append(v)
        st[0] += s.qty
        st[1] += v
        values.append(v)
    return values


def _post_back_dated(document_id, day, specs, sources):
    # an assembly's output carries its fee: links.py reads it back as value + components
    provisional = [s.fixed if s.rule in (M.FIXED_IN, M.ASSEMBLED_IN) else 0 for s in specs]
    _insert(document_id, day, specs, provisional)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, item_id, warehouse_id, line_id, qty, value FROM inventory_stockmove "
            "WHERE document_id = %s AND kind = 0 ORDER BY id",
            [document_id],
        )
        fresh = cur.fetchall()
    r = _take_shared() or Restatement(cause_id=document_id, lock=lock_balances)
    r.cause_id = document_id
    fallback = {(s.line_id, s.item_id, s.warehouse_id): s.fallback for s in specs}
    changes: dict = {}
    for mid, item, wh, line, qty, value in fresh:
        r.fresh.add(mid)
        r.fallback[mid] = fallback.get((line, item, wh))
        r.schedule((item, wh), (day, mid))
        q0, v0 = changes.get((item, wh), (0, 0))
        changes[(item, wh)] = (q0 + qty, v0 + value)
    r.run()
    cache, adjustments = r.write()
    for k, (dq, dv) in cache.items():
        q0, v0 = changes.get(k, (0, 0))
        changes[k] = (q0 + dq, v0 + dv)
    _update_cache(changes, day)
    final = {mid: r.fresh_value.get(mid, value) for mid, _, _, _, _, value in fresh}
    by_spec = {(line, item, wh): final[mid] for mid, item, wh, line, _, _ in fresh}
    values = [by_spec[(s.line_id, s.item_id, s.warehouse_id)] for s in specs]
    return values, [a for a in adjustments if a.document_id != document_id]


def cancel_moves(document_id: int, cause_id: int) -> list[CostAdjustment]:
    """Append reversal rows for every move of a (now cancelled) document and re-state the
    timelines after it. Returns the adjustments of other documents' moves."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COALESCE(anchor_id, id), MIN(date), MIN(line_id), MIN(item_id), MIN(warehouse_id), "
            "SUM(qty), SUM(value) FROM inventory_stockmove "
            "WHERE document_id = %s AND kind <> 1 GROUP BY COALESCE(anchor_id, id) ORDER BY 1",
            [document_id],
        )
        originals = cur.fetchall()
    if not originals:
        return []
    lock_balances({(o[3], o[4]) for o in originals})
    rows, changes = [], {}
    shared = _SHARED[-1] if _SHARED else None
    r = shared or Restatement(cause_id=cause_id, lock=lock_balances)
    r.cause_id = cause_id
    for mid, day, line, item, wh, qty, value in originals:
        day = as_date(day)
        rows.append(
            (
                day,
                document_id,
                line,
                item,
                wh,
                -int(qty),
                -int(value),
                M.REVERSAL,
                0,
                mid,
                None,
                cause_id,
            )
        )
        q0, v0 = changes.get((item, wh), (0, 0))
        changes[(item, wh)] = (q0 - int(qty), v0 - int(value))
        r.schedule((item, wh), (day, mid))
    with connection.cursor() as cur:
        cur.executemany(INSERT_MOVE, rows)
    if shared is not None:  # run by the next back-dated post, or by run_shared
        _update_cache(changes, None)
        return []
    r.run()
    cache, adjustments = r.write()
    for k, (dq, dv) in cache.items():
        q0, v0 = changes.get(k, (0, 0))
        changes[k] = (q0 + dq, v0 + dv)
    _update_cache(changes, None)
    return adjustments


def create_warehouse(user, data: dict) -> dict:
    require(user, MASTER_DATA)
    code = text_field(data, "code", 64)  # empty: the next automatic code (CK001)
    name = text_field(data, "name", 200, True)
    try:
        with transaction.atomic():
            if not code:
                code = next_code("warehouse", lambda c: Warehouse.objects.filter(code=c).exists())
            elif Warehouse.objects.filter(code=code).exists():
                raise DomainError(
                    "duplicate_code", f"warehouse code {code} already exists", {"code": code}
                )
            wh = Warehouse.objects.create(code=code, name=name)
            result = warehouse_dict(wh)
            record(user, "create", "warehouse", code, after=result)
    except IntegrityError:
        raise DomainError(
            "duplicate_code", f"warehouse code {code} already exists", {"code": code}
        ) from None
    return result


def update_warehouse(user, code: str, data: dict) -> dict:
    """Rename a warehouse or (de)activate it; the code stays."""
    require(user, MASTER_DATA)
    with transaction.atomic():
        wh = Warehouse.objects.select_for_update().filter(code=code).first()
        if wh is None:
            raise DomainError(
                "not_found", f"warehouse {code} not found", {"object": "warehouse", "ref": code}
            )
        require_warehouses(user, wh)  # a keeper limited to some warehouses manages only those
        before = warehouse_dict(wh)
        if "name" in data:
            wh.name = text_field(data, "name", 200, True)
        if "active" in data:
            wh.active = bool(data["active"])
        wh.save()
        after = warehouse_dict(wh)
        record(user, "edit", "warehouse", code, before=before, after=after)
    return after
