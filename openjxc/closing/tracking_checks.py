"""Reconcile checks of the batch and serial ledgers (inventory/tracking.py): each cache equals
its ledger, and the ledgers agree with the stock ledger for the items they track."""

from django.db import connection
from django.utils.translation import gettext as _

from openjxc.core.numbers import qty_str

_STOCK = (
    "SELECT item_id, warehouse_id, SUM(qty) AS q FROM inventory_stockmove "
    "GROUP BY item_id, warehouse_id"
)


def _rows(sql, args=()):
    with connection.cursor() as cur:
        cur.execute(sql, list(args))
        return cur.fetchall()


def _problem(check: str, item: str, warehouse: str, message: str) -> dict:
    return {"check": check, "item": item, "warehouse": warehouse, "message": message}


def batch_cache_equals_ledger() -> list[dict]:
    """Stock per batch (cache) = Σ batch ledger, never negative."""
    rows = _rows(
        "SELECT i.code, w.code, t.code, COALESCE(b.qty, 0), COALESCE(m.q, 0) FROM "
        "(SELECT batch_id, warehouse_id, SUM(qty) AS q FROM inventory_batchmove "
        " GROUP BY batch_id, warehouse_id) m "
        "FULL OUTER JOIN inventory_batchbalance b "
        "ON b.batch_id = m.batch_id AND b.warehouse_id = m.warehouse_id "
        "JOIN inventory_batch t ON t.id = COALESCE(b.batch_id, m.batch_id) "
        "JOIN catalog_item i ON i.id = t.item_id "
        "JOIN inventory_warehouse w ON w.id = COALESCE(b.warehouse_id, m.warehouse_id) "
        "WHERE COALESCE(b.qty, 0) <> COALESCE(m.q, 0) OR COALESCE(m.q, 0) < 0"
    )
    return [
        _problem(
            "batch_cache",
            i,
            w,
            _(
                "%(item)s batch %(batch)s @ %(warehouse)s: %(qty)s cached, the batch ledger says %(ledger)s"
            )
            % {
                "item": i,
                "batch": b,
                "warehouse": w,
                "qty": qty_str(int(c)),
                "ledger": qty_str(int(q)),
            },
        )
        for i, w, b, c, q in rows
    ]


def batches_equal_stock() -> list[dict]:
    """For a batch-tracked item: Σ over its batches = the stock ledger per item × warehouse."""
    rows = _rows(
        "SELECT i.code, w.code, COALESCE(s.q, 0), COALESCE(m.q, 0) FROM "
        f"({_STOCK}) s FULL OUTER JOIN (SELECT item_id, warehouse_id, SUM(qty) AS q "
        "FROM inventory_batchmove GROUP BY item_id, warehouse_id) m "
        "ON m.item_id = s.item_id AND m.warehouse_id = s.warehouse_id "
        "JOIN catalog_item i ON i.id = COALESCE(s.item_id, m.item_id) "
        "JOIN inventory_warehouse w ON w.id = COALESCE(s.warehouse_id, m.warehouse_id) "
        "WHERE (i.batch_tracked OR m.q IS NOT NULL) AND COALESCE(s.q, 0) <> COALESCE(m.q, 0)"
    )
    return [
        _problem(
            "batch_ledger",
            i,
            w,
            _("%(item)s @ %(warehouse)s: %(qty)s in stock but %(batches)s over its batches")
            % {"item": i, "warehouse": w, "qty": qty_str(int(s)), "batches": qty_str(int(m))},
        )
        for i, w, s, m in rows
    ]


def serials_equal_ledger() -> list[dict]:
    """Each serial is in stock where its ledger says (at most one unit, in one warehouse), and a
    serial-tracked item holds one serial per unit in stock."""
    problems = []
    rows = _rows(
        "SELECT i.code, m.serial, w.code, m.q, COALESCE(c.warehouse_id, 0), m.warehouse_id FROM "
        "(SELECT item_id, serial, warehouse_id, SUM(qty) AS q FROM inventory_serialmove "
        " GROUP BY item_id, serial, warehouse_id) m "
        "LEFT JOIN inventory_serialstock c ON c.item_id = m.item_id AND c.serial = m.serial "
        "JOIN catalog_item i ON i.id = m.item_id JOIN inventory_warehouse w ON w.id = m.warehouse_id "
        "WHERE m.q NOT IN (0, 1) OR (m.q = 1 AND COALESCE(c.warehouse_id, 0) <> m.warehouse_id) "
        "OR (m.q = 0 AND c.warehouse_id = m.warehouse_id)"
    )
    for item, serial, wh, q, _cached, _wid in rows:
        problems.append(
            _problem(
                "serial_cache",
                item,
                wh,
                _("serial %(serial)s of %(item)s @ %(warehouse)s: the ledger says %(qty)s")
                % {"serial": serial, "item": item, "warehouse": wh, "qty": int(q)},
            )
        )
    rows = _rows(
        "SELECT i.code, w.code, COALESCE(s.q, 0), COALESCE(c.n, 0) FROM "
        f"({_STOCK}) s FULL OUTER JOIN (SELECT item_id, warehouse_id, COUNT(*) AS n "
        "FROM inventory_serialstock WHERE warehouse_id IS NOT NULL GROUP BY item_id, warehouse_id) c "
        "ON c.item_id = s.item_id AND c.warehouse_id = s.warehouse_id "
        "JOIN catalog_item i ON i.id = COALESCE(s.item_id, c.item_id) "
        "JOIN inventory_warehouse w ON w.id = COALESCE(s.warehouse_id, c.warehouse_id) "
        "WHERE i.serial_tracked AND COALESCE(s.q, 0) <> COALESCE(c.n, 0) * 10000"
    )
    for item, wh, q, n in rows:
        problems.append(
            _problem(
                "serial_stock",
                item,
                wh,
                _("%(item)s @ %(warehouse)s: %(qty)s in stock but %(serials)s serial numbers")
                % {"item": item, "warehouse": wh, "qty": qty_str(int(q)), "serials": int(n)},
            )
        )
    return problems


CHECKS = [batch_cache_equals_ledger, batches_equal_stock, serials_equal_ledger]


def fix_tracking_caches(cur) -> list[str]:
    """`reconcile --fix`: set the batch and serial caches to what their ledgers say; returns
    what changed."""
    changes = []
    cur.execute(
        "SELECT batch_id, warehouse_id, MIN(item_id), SUM(qty) FROM inventory_batchmove "
        "GROUP BY batch_id, warehouse_id"
    )
    ledger = {(b, w): (i, int(q)) for b, w, i, q in cur.fetchall()}
    cur.execute("SELECT batch_id, warehouse_id, qty FROM inventory_batchbalance")
    cached = {(b, w): int(q) for b, w, q in cur.fetchall()}
    for key in sorted(set(ledger) | set(cached)):
        item, want = ledger.get(key, (None, 0))
        if cached.get(key, 0) == want:
            continue
        if key in cached:
            cur.execute(
                "UPDATE inventory_batchbalance SET qty = %s WHERE batch_id = %s AND warehouse_id = %s",
                [want, *key],
            )
        else:
            cur.execute(
                "INSERT INTO inventory_batchbalance (item_id, warehouse_id, batch_id, qty) "
                "VALUES (%s, %s, %s, %s)",
                [item, key[1], key[0], want],
            )
        changes.append(
            f"batch {key[0]} @ {key[1]}: {qty_str(cached.get(key, 0))} → {qty_str(want)}"
        )
    cur.execute(
        "SELECT item_id, serial, warehouse_id FROM inventory_serialmove "
        "GROUP BY item_id, serial, warehouse_id HAVING SUM(qty) = 1"
    )
    where = {(i, s): w for i, s, w in cur.fetchall()}
    cur.execute("SELECT item_id, serial, warehouse_id FROM inventory_serialstock")
    for item, serial, wh in cur.fetchall():
        if where.get((item, serial)) != wh:
            cur.execute(
                "UPDATE inventory_serialstock SET warehouse_id = %s WHERE item_id = %s AND serial = %s",
                [where.get((item, serial)), item, serial],
            )
            changes.append(f"serial {serial}: {wh} → {where.get((item, serial))}")
    return changes
