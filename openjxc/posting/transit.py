"""收货 of a transfer in transit (调拨在途): each arrival is a transfer receipt document derived
from the transfer, posted by the engine (out of the transfer's hidden transit warehouse, into
the target at that cost — inventory/transit.py). Partial and repeated arrivals are several
receipts; cancelling the transfer while a receipt stands is refused (has_dependents)."""

from django.db import transaction

from openjxc.audit.services import record
from openjxc.core.dates import parse_date
from openjxc.core.errors import DomainError
from openjxc.core.numbers import QTY_SCALE, parse_decimal, qty_str
from openjxc.core.services import next_number
from openjxc.documents import workflow
from openjxc.documents.access import require_type
from openjxc.documents.models import Document, DocumentLine
from openjxc.documents.selectors import get_document, transit_quantities
from openjxc.documents.types import TYPES, the_type
from openjxc.ledger.services import ensure_open
from openjxc.users.services import APPROVE, EDIT, require, require_warehouses

from . import engine


def _wanted(transfer: Document, raw, in_transit: dict) -> list[tuple]:
    """(transfer line, base qty) to receive: every line's remainder when no lines are given."""
    lines = list(transfer.lines.select_related("item").order_by("line_no"))
    if raw is None:
        return [(ln, in_transit[ln.id][2]) for ln in lines if in_transit[ln.id][2] > 0]
    if not isinstance(raw, list) or not raw:
        raise DomainError("invalid", "lines must be a non-empty list", {"field": "lines"})
    asked: dict[int, int] = {}
    out = []
    for i, r in enumerate(raw):
        where = f"lines[{i}]"
        if not isinstance(r, dict):
            raise DomainError("invalid", f"{where} must be an object", {"field": where})
        match = [
            ln
            for ln in lines
            if (r.get("source_line") is None or ln.id == r.get("source_line"))
            and (r.get("item") is None or ln.item.code == r.get("item"))
        ]
        if not match or (r.get("item") is None and r.get("source_line") is None):
            raise DomainError(
                "invalid", f"{where} is not a line of {transfer.number}", {"field": f"{where}.item"}
            )
        qty = int(parse_decimal(r.get("qty"), f"{where}.qty", 4) * QTY_SCALE)
        if qty <= 0:
            raise DomainError(
                "invalid",
                f"{where}.qty must be positive",
                {"field": f"{where}.qty"},
                kind="positive",
            )
        left = sum(in_transit[m.id][2] - asked.get(m.id, 0) for m in match)
        # an item on several lines is taken from them in order
        for ln in match:
            left = in_transit[ln.id][2] - asked.get(ln.id, 0)
            take = min(left, qty)
            if take > 0:
                asked[ln.id] = asked.get(ln.id, 0) + take
                out.append((ln, take))
                qty -= take
        if qty > 0:
            ln = match[0]
            raise DomainError(
                "exceeds_in_transit",
                f"{where}: more of {ln.item.code} than is in transit on {transfer.number}",
                {
                    "item": ln.item.code,
                    "document": transfer.number,
                    "in_transit": qty_str(left),
                    "field": f"{where}.qty",
                },
            )
    return out


@engine.retry_on_conflict
def receive(user, number: str, data: dict) -> Document:
    """Receive (part of) what an in-transit transfer shipped, dated `date`; returns the posted
    transfer receipt. Quantities are in the item's base unit."""
    require(user, EDIT)
    require(user, APPROVE)
    receipt_type = the_type(transit_receipt=True)
    require_type(user, receipt_type)
    with transaction.atomic():
        transfer = get_document(number, for_update=True)
        if not (TYPES[transfer.type].to_warehouse and transfer.in_transit):
            raise DomainError("not_in_transit", f"{number} is not in transit", {"document": number})
        require_warehouses(user, transfer.to_warehouse)  # the target's keeper receives
        workflow.check(transfer, "derive", source=number)
        day = parse_date((data or {}).get("date"))
        ensure_open(day)
        wanted = _wanted(transfer, (data or {}).get("lines"), transit_quantities(transfer))
        if not wanted:
            raise DomainError(
                "exceeds_in_transit",
                f"nothing is in transit on {number}",
                {"document": number, "item": "", "in_transit": "0"},
            )
        doc = Document.objects.create(
            number=next_number(TYPES[receipt_type].prefix, day),
            type=receipt_type,
            date=day,
            warehouse_id=transfer.to_warehouse_id,
            source=transfer,
            memo=str((data or {}).get("memo") or "")[:500],
            created_by=user,
        )
        DocumentLine.objects.bulk_create(
            DocumentLine(document=doc, line_no=n, item=ln.item, qty=qty, source_line=ln)
            for n, (ln, qty) in enumerate(wanted, start=1)
        )
        record(user, "create", "document", doc.number, after={"source": number})
        return engine.approve(user, doc.number)
