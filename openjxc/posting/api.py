from ninja import Field, Router, Status

from openjxc.core.api import Input, Num, ReasonIn, typed
from openjxc.core.errors import DomainError
from openjxc.documents.schemas import DocumentOut
from openjxc.documents.selectors import document_dict, get_document, with_relations

from . import chain, correction_api, engine, money, orders, reversal, settled, transit
from .correction_api import CorrectionImpactOut
from .impact import preview
from .schemas import AllocationOut, ChainOut

router = Router(tags=["documents"])


class ReversedOut(DocumentOut):
    backup_id: str | None = None  # the automatic backup taken before the reversal


class ReverseIn(Input):
    reason: str | None = None
    date: str | None = None


@router.post("/documents/{number}/approve", response=typed(DocumentOut))
def approve(request, number: str):
    """审核: post the document to the stock ledger, the general ledger and the open items."""
    doc = engine.approve(request.user, number)
    # posted: the engine's copy is current (locked with its partner and warehouse, its status
    # fields set as written) and its lines are the ones it posted, items joined
    if getattr(doc, "posted_lines", None) is not None:
        answer = document_dict(with_relations(doc), doc.posted_lines, just_approved=True)
    else:
        answer = _stored(doc, just_approved=True)
    return {**answer, "warnings": getattr(doc, "warnings", [])}


def _stored(doc, just_approved: bool = False) -> dict:
    """The document as the action left it, read back with its relations in one plain query (the
    engine's instance has none of them loaded: each would be an ORM query)."""
    return document_dict(get_document(doc.number), just_approved=just_approved)


@router.post("/documents/{number}/cancel", response=typed(DocumentOut))
def cancel(request, number: str, payload: ReasonIn):
    """反审核/作废 in an open period, as if the document never happened."""
    return _stored(engine.cancel(request.user, number, payload.reason))


@router.post("/documents/{number}/reverse", response=typed(ReversedOut))
def reverse(request, number: str, payload: ReverseIn):
    """红字冲销: a new approved reversal document dated `date` (default: the first open period's
    first day, or today if later) undoes the original, which becomes `reversed`. A backup is
    taken first; its id is `backup_id`."""
    rev, backup_id = settled.reverse(request.user, number, payload.reason, payload.date)
    return {**_stored(rev), "backup_id": backup_id}


class DeriveLineIn(Input):
    source_line: int
    qty: Num | None = None


class DeriveIn(Input):
    type: str
    date: str | None = None
    lines: list[DeriveLineIn] | None = None
    invoice_no: str | None = None
    invoice_type: str | None = None


class ChainIn(Input):
    reason: str | None = None
    refund: bool = False
    date: str | None = None


class AllocateIn(Input):
    from_: str = Field(..., alias="from")
    to: str
    amount: Num


@router.post("/documents/{number}/derive", response=typed(DocumentOut, 201))
def derive(request, number: str, payload: DeriveIn):
    """A draft of `type` with the source's remaining quantities (all lines, or the ones given)."""
    return Status(201, orders.derive(request.user, number, payload.model_dump(exclude_unset=True)))


@router.post("/documents/{number}/close", response=typed(DocumentOut))
def close_order(request, number: str, payload: ReasonIn):
    """强制结单: an order stops; what it still reserves / has on order is released."""
    return _stored(orders.close_order(request.user, number, payload.reason))


@router.post("/documents/{number}/cancel-chain", response=typed(ChainOut))
def cancel_chain(request, number: str, payload: ChainIn):
    """Cancel an order (or delivery / receipt) and everything settled on it, in one transaction;
    when it reaches a closed period a backup is taken first (`backup_id`)."""
    return settled.cancel_chain(request.user, number, payload.reason, payload.refund, payload.date)


@router.post("/allocations", response=typed(AllocationOut, 201), tags=["money"])
def allocate(request, payload: AllocateIn):
    """核销: allocate part of an approved receipt / payment to an open item."""
    return Status(201, money.allocate(request.user, payload.from_, payload.to, payload.amount))


@router.delete("/allocations/{allocation_id}", response=typed(AllocationOut), tags=["money"])
def unallocate(request, allocation_id: int):
    return money.unallocate(request.user, allocation_id)


@router.get("/documents/{number}/impact", response=typed(CorrectionImpactOut))
def impact(request, number: str, action: str = "cancel"):
    """What cancel (or reverse, cancel-chain, correct) would change — stock, later costs,
    vouchers, open items, what blocks it — computed by running it and rolling back; nothing
    changes. action=correct reads the body of POST /documents/{number}/correct."""
    if action == "correct":
        return correction_api.impact(request, number, correction_api.correction_body(request))
    if action == "cancel":
        return {
            "document": number,
            **preview(
                action,
                lambda: engine.cancel(request.user, number, "impact preview"),
                request.user,
            ),
        }
    if action == "cancel-chain":
        refund = request.GET.get("refund") in ("1", "true")
        return {
            "document": number,
            **preview(
                action,
                lambda: chain.cancel_chain(
                    request.user, number, "impact preview", refund, request.GET.get("date")
                ),
                request.user,
            ),
        }
    if action == "reverse":
        date = request.GET.get("date")
        return {
            "document": number,
            **preview(
                action,
                lambda: reversal.reverse(request.user, number, "impact preview", date),
                request.user,
            ),
        }
    raise DomainError(
        "invalid", "action must be cancel, reverse, cancel-chain or correct", {"field": "action"}
    )


@router.post("/documents/{number}/impact", response=typed(CorrectionImpactOut))
def impact_with_body(request, number: str, payload: correction_api.CorrectIn, action: str):
    """The correct preview for clients that cannot send a body with a GET."""
    if action != "correct":
        raise DomainError("invalid", "POST previews only action=correct", {"field": "action"})
    return correction_api.impact(request, number, payload)


class ReceiveLineIn(Input):
    item: str | None = None
    source_line: int | None = None  # the transfer's line (when an item is on several)
    qty: Num = None


class ReceiveIn(Input):
    date: str
    lines: list[ReceiveLineIn] | None = None  # none: everything still in transit
    memo: str | None = None


@router.post("/documents/{number}/receive", response=typed(DocumentOut))
def receive(request, number: str, payload: ReceiveIn):
    """收货 of a transfer in transit: a transfer receipt (partial allowed, several times)."""
    body = payload.model_dump(exclude_unset=True)
    return _stored(transit.receive(request.user, number, body))
