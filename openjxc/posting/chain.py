"""Cancel a settled order in one step (cancel-chain): allocations → invoices → returns →
deliveries/receipts → the order, in one transaction. Each step goes through the same engine
call a user would make (so every rule and every audit entry applies); a step dated in a closed
period becomes a red-letter reversal in the open period. Money already received stays as
partner credit, or is paid back with refund: true. If any step is refused, nothing happens."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from openjxc.audit.services import record
from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str
from openjxc.documents import workflow
from openjxc.documents.access import require_document
from openjxc.documents.models import Document
from openjxc.documents.selectors import get_document
from openjxc.documents.services import create_draft
from openjxc.documents.types import TYPES, order_of
from openjxc.ledger.services import closed_through, open_amount
from openjxc.users.services import CANCEL, require

from . import engine, money, orders, reversal

# Money paid in that a refund pays back (a receipt's or payment's open item is a credit).


def _undo_document(user, doc: Document, reason: str, date, steps: list) -> None:
    """Cancel in an open period, reverse when the document's period is closed."""
    last_closed = closed_through()
    if last_closed and doc.date <= last_closed:
        rev = reversal.reverse(user, doc.number, reason, date)
        steps.append({"action": "reverse", "document": doc.number, "reversal": rev.number})
    else:
        engine.cancel(user, doc.number, reason)
        steps.append({"action": "cancel", "document": doc.number})


def _first_open_day() -> dt.date:
    last_closed = closed_through()
    return last_closed + dt.timedelta(days=1) if last_closed else dt.date.min


def _unallocate(doc: Document, root: Document, credited: dict, steps: list) -> None:
    """Undo every allocation on a document; remember how much each money document regains."""
    for a in money.active_allocations(doc):
        money.undo(a, cause=root)
        m, amount = credited.get(a.source_id, (a.source, 0))
        credited[a.source_id] = (m, amount + a.amount)
        steps.append(
            {
                "action": "unallocate",
                "from": a.source.number,
                "to": a.target.number,
                "amount": fen_str(a.amount),
            }
        )


def _cancels(order: Document) -> bool:
    """Whether the chain cancels the order itself (a closed order keeps its status)."""
    return Document.CANCELLED in workflow.targets(order, "cancel_chain")


def cancel_chain(user, number: str, reason: str | None, refund: bool = False, date=None) -> dict:
    require(user, CANCEL)
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError("reason_required", "a reason is required", {"field": "reason"})
    reason = reason.strip()
    steps: list[dict] = []
    with transaction.atomic():
        root = get_document(number, for_update=True)
        require_document(user, root)
        kind = TYPES[root.type].kind
        if kind == "order":
            order = root
            fulfilments = list(
                Document.objects.filter(source=order, status=Document.APPROVED).order_by(
                    "-date", "-id"
                )
            )
        elif kind == "stock" and order_of(root.type):
            order = (
                root.source if root.source_id and root.source.type == order_of(root.type) else None
            )
            fulfilments = [root] if root.status == Document.APPROVED else []
        else:
            raise DomainError(
                "invalid", "cancel-chain starts from an order, a delivery or a receipt", {}
            )
        if not fulfilments and (order is None or not _cancels(order)):
            raise workflow.refusal(root, "cancel_chain")
        credited: dict[int, tuple[Document, int]] = {}
        for f in fulfilments:
            for dep in Document.objects.filter(source=f, status=Document.APPROVED).order_by(
                "-date", "-id"
            ):
                _unallocate(dep, root, credited, steps)
                _undo_document(user, dep, reason, date, steps)
            _unallocate(f, root, credited, steps)
            _undo_document(user, f, reason, date, steps)
        if order is not None:
            order.refresh_from_db()
            if _cancels(order):
                orders.release_all(order, order.id)
                workflow.transition(
                    order,
                    "cancel_chain",
                    user=user,
                    reason=reason,
                    after={"chain": number},
                    fields={"cancelled_at": timezone.now(), "cancel_reason": reason[:500]},
                )
                steps.append({"action": "cancel", "document": order.number})
        if refund:
            for m, paid in credited.values():
                refund_type = TYPES[m.type].refunded_by
                # what was paid against this chain, not the money document's older credit
                left = min(paid, -open_amount(m.id)) if refund_type else 0
                if left > 0:
                    day = date or max(m.date, order.date if order else m.date, _first_open_day())
                    body = {
                        "type": refund_type,
                        "date": str(day),
                        "partner": m.partner.code,
                        "amount": fen_str(left),
                        "account": m.account.code if m.account_id else "1002",
                        "allocations": [{"document": m.number, "amount": fen_str(left)}],
                        "memo": f"退款 {number}: {reason}",
                    }
                    doc, _ = create_draft(user, body)
                    engine.approve(user, doc["number"])
                    steps.append(
                        {"action": "refund", "document": doc["number"], "amount": fen_str(left)}
                    )
        record(user, "cancel_chain", "document", number, reason=reason, after={"steps": steps})
    return {"document": number, "steps": steps}
