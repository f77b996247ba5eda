"""Orders: reservations (sales) and on-order quantities (purchases) as an append-only ledger,
fulfilment progress, close (强制结单) and cancel. The engine calls these from approve/cancel."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str
from openjxc.core.services import policy
from openjxc.documents import workflow
from openjxc.documents.access import require_document, require_readable
from openjxc.documents.models import Document
from openjxc.documents.rules import remaining_in_unit
from openjxc.documents.selectors import get_document, used_quantities
from openjxc.documents.services import create_draft
from openjxc.documents.types import TYPES, order_of
from openjxc.inventory.services import lock_balances
from openjxc.ledger.periods import default_date
from openjxc.ledger.services import ensure_open
from openjxc.users.services import APPROVE, require

from .recipes import recipe_of


def _field(order_type: str) -> str | None:
    """The balance column an order of this type holds (its recipe's reservation)."""
    return recipe_of(order_type).reservation


@dataclass(frozen=True, slots=True)
class ReservationLine:
    """A change in what an order holds on one of its lines: quantity (1/10,000 units, + holds,
    − releases) in the balance column of the order's type; appended as a ReservationEntry."""

    date: dt.date
    order_id: int
    line_id: int
    item_id: int
    warehouse_id: int
    column: str  # "reserved" (sales orders) | "on_order" (purchase orders)
    qty: int
    cause_id: int


def _append(lines: list[ReservationLine]) -> None:
    if not lines:
        return
    rows, cache = [], defaultdict(lambda: [0, 0])
    for r in lines:
        reserved, on_order = (r.qty, 0) if r.column == "reserved" else (0, r.qty)
        rows.append(
            (
                r.date,
                r.order_id,
                r.line_id,
                r.item_id,
                r.warehouse_id,
                reserved,
                on_order,
                r.cause_id,
            )
        )
        cache[(r.item_id, r.warehouse_id)][0] += reserved
        cache[(r.item_id, r.warehouse_id)][1] += on_order
    lock_balances(cache.keys())
    with connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO inventory_reservationentry (date, document_id, line_id, item_id, warehouse_id, reserved, "
            "on_order, cause_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        cur.executemany(
            "UPDATE inventory_stockbalance SET reserved = reserved + %s, on_order = on_order + %s "
            "WHERE item_id = %s AND warehouse_id = %s",
            [(r, o, k[0], k[1]) for k, (r, o) in sorted(cache.items())],
        )


def _open_per_line(order_id: int) -> dict:
    """Reserved / on-order quantity still held per order line."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT line_id, MIN(item_id), MIN(warehouse_id), SUM(reserved + on_order) "
            "FROM inventory_reservationentry WHERE document_id = %s GROUP BY line_id",
            [order_id],
        )
        return {r[0]: (r[1], r[2], int(r[3])) for r in cur.fetchall()}


def receivables(partner_ids) -> dict[int, int]:
    """What each customer owes (fen): the credit limit is checked against it."""
    ids = list(partner_ids)
    if not ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT partner_id, COALESCE(SUM(open_amount), 0) FROM ledger_openitem WHERE partner_id IN "
            f"({', '.join(['%s'] * len(ids))}) AND kind = 'receivable' AND open_amount <> 0 "
            "GROUP BY partner_id",
            ids,
        )
        return {p: int(v) for p, v in cur.fetchall()}


def check_credit_limit(doc: Document) -> list[dict]:
    """A sales order over the customer's credit limit: warn, or block (setting credit_limit_policy)."""
    limit = doc.partner.credit_limit if doc.partner_id else None
    if limit is None:
        return []
    owed = receivables([doc.partner_id]).get(doc.partner_id, 0)
    if owed + doc.amount_incl_tax <= limit:
        return []
    details = {
        "credit_limit": fen_str(limit),
        "receivable": fen_str(owed),
        "order": fen_str(doc.amount_incl_tax),
    }
    message = (
        f"超出信用额度: {doc.partner.code} owes {fen_str(owed)}, this order {fen_str(doc.amount_incl_tax)}, "
        f"limit {fen_str(limit)}"
    )
    if policy("credit_limit_policy") == "block":
        raise DomainError("credit_limit_exceeded", message, details)
    warning = DomainError("credit_limit_exceeded", message, details)
    return [{"code": warning.code, "message": warning.sentence(), "details": details}]


def approve_order(doc: Document, lines) -> None:
    field = _field(doc.type)
    _append(
        [
            ReservationLine(
                doc.date, doc.id, ln.id, ln.item_id, doc.warehouse_id, field, ln.base_qty, doc.id
            )
            for ln in lines
        ]
    )


def release_all(doc: Document, cause_id: int) -> None:
    """Give back everything an order still holds (cancel, close)."""
    field = _field(doc.type)
    _append(
        [
            ReservationLine(doc.date, doc.id, line, item, wh, field, -qty, cause_id)
            for line, (item, wh, qty) in _open_per_line(doc.id).items()
            if qty
        ]
    )


def fulfil(doc: Document, lines) -> None:
    """A delivery / receipt derived from an order releases what it fulfils and moves the order on."""
    order = doc.source
    if order is None or order.type != order_of(doc.type):
        return
    held = _open_per_line(order.id)
    field = _field(order.type)
    entries = []
    for ln in lines:
        if ln.source_line_id in held:
            item, wh, qty = held[ln.source_line_id]
            release = min(qty, ln.base_qty)
            if release:
                entries.append(
                    ReservationLine(
                        doc.date, order.id, ln.source_line_id, item, wh, field, -release, doc.id
                    )
                )
                held[ln.source_line_id] = (item, wh, qty - release)
    _append(entries)
    refresh_status(order)


def unfulfil(doc: Document, day=None) -> None:
    """Cancelling (or reversing, dated `day`) a derived delivery / receipt holds its quantities
    for the order again — unless the order no longer holds anything (closed or cancelled)."""
    order = doc.source if doc.source_id and doc.source.type == order_of(doc.type) else None
    if order is None or not workflow.can(order, "fulfil"):
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT date, document_id, line_id, item_id, warehouse_id, reserved, on_order FROM "
            "inventory_reservationentry WHERE cause_id = %s",
            [doc.id],
        )
        rows = cur.fetchall()
    _append(
        [
            ReservationLine(
                day or doc.date,
                o,
                line,
                item,
                wh,
                "reserved" if r else "on_order",
                -(int(r) + int(oo)),
                doc.id,
            )
            for _d, o, line, item, wh, r, oo in rows
        ]
    )
    refresh_status(order)


def refresh_status(order: Document) -> None:
    """Fulfilment progress moves an order between approved, partial and completed (not audited:
    the delivery or receipt that moved it is)."""
    if not workflow.can(order, "fulfil"):
        return
    used = used_quantities(order)
    lines = list(order.lines.values_list("id", "base_qty"))
    done = sum(min(used.get(i, 0), q) for i, q in lines)
    status = (
        Document.COMPLETED
        if done >= sum(q for _, q in lines)
        else (Document.PARTIAL if done > 0 else Document.APPROVED)
    )
    if status != order.status:
        workflow.transition(order, "fulfil", user=None, to=status, audit=False)


def close_order(user, number: str, reason: str | None) -> Document:
    """强制结单: stop the remaining quantities of an order and release what it still holds."""
    require(user, APPROVE)
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError(
            "reason_required", "a reason is required to close an order", {"field": "reason"}
        )
    with transaction.atomic():
        doc = get_document(number, for_update=True)
        require_document(user, doc)
        workflow.check(doc, "close")
        ensure_open(timezone.localdate())
        release_all(doc, doc.id)
        workflow.transition(
            doc, "close", user=user, reason=reason, fields={"closed_reason": reason.strip()[:500]}
        )
    return doc


def derive(user, number: str, data: dict) -> dict:
    """A draft delivery / receipt (or invoice, return) with the source's remaining quantities."""
    source = get_document(number)
    require_readable(user, source)  # finance invoices deliveries she may read but not post
    target = (data or {}).get("type")
    if target not in TYPES or source.type not in TYPES[target].source_types:
        raise DomainError(
            "invalid", f"a {target} cannot be derived from a {source.type}", {"field": "type"}
        )
    workflow.check(source, "derive", source=number)
    used = used_quantities(source, by_invoice=TYPES[target].kind == "invoice")
    lines = {ln.id: ln for ln in source.lines.select_related("item").order_by("line_no")}
    asked = (data or {}).get("lines")
    if asked:
        wanted = []
        for i, a in enumerate(asked):
            if not isinstance(a, dict) or a.get("source_line") not in lines:
                raise DomainError(
                    "invalid",
                    f"lines[{i}].source_line is not a line of {number}",
                    {"field": f"lines[{i}].source_line"},
                )
            wanted.append((lines[a["source_line"]], a.get("qty")))
    else:
        wanted = [(ln, None) for ln in lines.values()]
    body_lines = []
    for ln, qty in wanted:
        # a quantity asked for is in the source line's unit; what remains is in base units and
        # goes back in that unit when it is a whole number of 1/10,000 of it (多单位)
        unit, price = ln.unit, ln.price
        if qty is None:
            remaining = ln.base_qty - used.get(ln.id, 0)
            if remaining <= 0:
                continue
            unit, qty, price = remaining_in_unit(ln, remaining)
        body_lines.append(
            {
                "item": ln.item.code,
                "unit": unit,
                "qty": qty,
                "price": str(price) if price is not None else None,
                "tax_rate": str(ln.tax_rate),
                "source_line": ln.id,
            }
        )
    if not body_lines:
        raise DomainError("exceeds_source", f"nothing remains on {number}", {"source": number})
    body = {
        "type": target,
        "date": (data or {}).get("date") or str(max(source.date, default_date())),
        "partner": source.partner.code if source.partner_id else None,
        "warehouse": source.warehouse.code if source.warehouse_id else None,
        "source": number,
        "lines": body_lines,
        "salesperson": source.salesperson,
    }
    if TYPES[target].kind == "invoice":
        body.update(
            invoice_no=(data or {}).get("invoice_no") or "待填",
            invoice_type=(data or {}).get("invoice_type"),
        )
    doc, _ = create_draft(user, body)
    return doc
