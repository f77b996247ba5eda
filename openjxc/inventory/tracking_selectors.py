"""Reads of the batch and serial ledgers (inventory/tracking.py): stock per batch, batches near
expiry (近效期), the stock ledger per batch and a serial's history. Quantities only — cost is
per item × warehouse — and always limited to the warehouses the user may see."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from openjxc.core.numbers import qty_str
from openjxc.documents.types import type_label
from openjxc.users.services import allowed_warehouse_ids


def _d(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _where_warehouses(user, column: str, params: list) -> str:
    allowed = allowed_warehouse_ids(user)
    if allowed is None:
        return ""
    params.extend(sorted(allowed))
    return f" AND {column} IN ({','.join(['%s'] * len(allowed))})"


def batch_rows(user, item_id=None, warehouse_id=None, expiring_by=None) -> list[dict]:
    """Stock per batch × warehouse (quantity not zero), earliest expiry first; `expiring_by`:
    only batches expiring on or before that date (expired ones included)."""
    today = timezone.localdate()
    sql = (
        "SELECT i.code, i.name, i.unit, w.code, w.name, t.code, t.production_date, t.expiry_date, "
        "b.qty FROM inventory_batchbalance b JOIN inventory_batch t ON t.id = b.batch_id "
        "JOIN catalog_item i ON i.id = b.item_id JOIN inventory_warehouse w ON w.id = b.warehouse_id "
        "WHERE b.qty <> 0"
    )
    params: list = []
    for column, value in (("b.item_id", item_id), ("b.warehouse_id", warehouse_id)):
        if value is not None:
            sql += f" AND {column} = %s"
            params.append(value)
    if expiring_by is not None:
        sql += " AND t.expiry_date IS NOT NULL AND t.expiry_date <= %s"
        params.append(expiring_by)
    sql += _where_warehouses(user, "b.warehouse_id", params)
    sql += " ORDER BY t.expiry_date IS NULL, t.expiry_date, i.code, t.code, w.code"
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    out = []
    for item, name, unit, wh, wh_name, batch, prod, exp, qty in rows:
        prod, exp = _d(prod), _d(exp)
        out.append(
            {
                "item": item,
                "item_name": name,
                "unit": unit,
                "warehouse": wh,
                "warehouse_name": wh_name,
                "batch": batch,
                "production_date": str(prod) if prod else None,
                "expiry_date": str(exp) if exp else None,
                "days_left": (exp - today).days if exp else None,  # negative: expired
                "qty": qty_str(int(qty)),
            }
        )
    return out


def expiring_rows(user, days: int, warehouse_id=None) -> list[dict]:
    """近效期: batches in stock that expire within `days` from today (or have expired)."""
    by = timezone.localdate() + dt.timedelta(days=days)
    return batch_rows(user, warehouse_id=warehouse_id, expiring_by=by)


def batch_move_rows(user, item_id: int, warehouse_id=None, batch: str | None = None) -> list[dict]:
    """The stock ledger per batch: moves in posting order with the batch's running balance."""
    sql = (
        "SELECT m.date, d.number, d.type, w.code, t.code, m.qty, m.kind FROM inventory_batchmove m "
        "JOIN documents_document d ON d.id = m.document_id "
        "JOIN inventory_warehouse w ON w.id = m.warehouse_id "
        "JOIN inventory_batch t ON t.id = m.batch_id WHERE m.item_id = %s"
    )
    params: list = [item_id]
    if warehouse_id is not None:
        sql += " AND m.warehouse_id = %s"
        params.append(warehouse_id)
    if batch:
        sql += " AND t.code = %s"
        params.append(batch)
    sql += _where_warehouses(user, "m.warehouse_id", params) + " ORDER BY m.date, m.id"
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    running: dict = {}
    out = []
    for day, number, doc_type, wh, code, qty, kind in rows:
        running[(wh, code)] = running.get((wh, code), 0) + int(qty)
        out.append(
            {
                "date": str(_d(day)),
                "document": number,
                "type": doc_type,
                "type_name": str(type_label(doc_type)),
                "warehouse": wh,
                "batch": code,
                "qty": qty_str(int(qty)),
                "balance_qty": qty_str(running[(wh, code)]),
                "kind": "reversal" if kind else "original",
            }
        )
    return out


def serial_trace(user, serial: str) -> list[dict]:
    """Every move of a serial (of any item carrying it): date, document, warehouse, in / out,
    and where it is now."""
    params: list = [serial]
    sql = (
        "SELECT i.code, i.name, m.date, d.number, d.type, w.code, m.qty, m.kind, "
        "(SELECT w2.code FROM inventory_serialstock c JOIN inventory_warehouse w2 "
        " ON w2.id = c.warehouse_id WHERE c.item_id = m.item_id AND c.serial = m.serial) "
        "FROM inventory_serialmove m JOIN catalog_item i ON i.id = m.item_id "
        "JOIN documents_document d ON d.id = m.document_id "
        "JOIN inventory_warehouse w ON w.id = m.warehouse_id WHERE m.serial = %s"
    )
    sql += _where_warehouses(user, "m.warehouse_id", params) + " ORDER BY i.code, m.date, m.id"
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return [
        {
            "item": item,
            "item_name": name,
            "date": str(_d(day)),
            "document": number,
            "type": doc_type,
            "type_name": str(type_label(doc_type)),
            "warehouse": wh,
            "direction": "in" if qty > 0 else "out",
            "kind": "reversal" if kind else "original",
            "in_stock_at": now,
        }
        for item, name, day, number, doc_type, wh, qty, kind, now in rows
    ]
