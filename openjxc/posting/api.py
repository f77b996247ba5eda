from ninja import Router, Schema

from openjxc.core.errors import DomainError
from openjxc.documents.selectors import document_dict

from . import engine, reversal
from .impact import preview

router = Router(tags=["documents"])


class ReasonIn(Schema):
    reason: str | None = None


class ReverseIn(Schema):
    reason: str | None = None
    date: str | None = None


@router.post("/documents/{number}/approve", response=dict)
def approve(request, number: str):
    """审核: post the document to the stock ledger, the general ledger and the open items."""
    return document_dict(engine.approve(request.user, number))


@router.post("/documents/{number}/cancel", response=dict)
def cancel(request, number: str, payload: ReasonIn):
    """反审核/作废 in an open period, as if the document never happened."""
    return document_dict(engine.cancel(request.user, number, payload.reason))


@router.post("/documents/{number}/reverse", response=dict)
def reverse(request, number: str, payload: ReverseIn):
    """红字冲销: a new approved reversal document dated `date` (default: the first open period's
    first day, or today if later) undoes the original, which becomes `reversed`."""
    return document_dict(reversal.reverse(request.user, number, payload.reason, payload.date))


@router.get("/documents/{number}/impact", response=dict)
def impact(request, number: str, action: str = "cancel"):
    """What cancel (or reverse) would change — stock, later costs, vouchers, open items, what
    blocks it — computed by running it and rolling back; nothing changes."""
    if action == "cancel":
        return {"document": number, **preview(action, lambda: engine.cancel(request.user, number, "impact preview"))}
    if action == "reverse":
        date = request.GET.get("date")
        return {"document": number,
                **preview(action, lambda: reversal.reverse(request.user, number, "impact preview", date))}
    raise DomainError("invalid", "action must be cancel or reverse", {"field": "action"})
