from ninja import Router, Schema

from openjxc.core.errors import DomainError
from openjxc.documents.selectors import document_dict

from . import engine
from .impact import preview

router = Router(tags=["documents"])


class ReasonIn(Schema):
    reason: str | None = None


@router.post("/documents/{number}/approve", response=dict)
def approve(request, number: str):
    """审核: post the document to the stock ledger, the general ledger and the open items."""
    return document_dict(engine.approve(request.user, number))


@router.post("/documents/{number}/cancel", response=dict)
def cancel(request, number: str, payload: ReasonIn):
    """反审核/作废 in an open period, as if the document never happened."""
    return document_dict(engine.cancel(request.user, number, payload.reason))


@router.get("/documents/{number}/impact", response=dict)
def impact(request, number: str, action: str = "cancel"):
    """What cancel (or reverse) would change — stock, later costs, vouchers, open items, what
    blocks it — computed by running it and rolling back; nothing changes."""
    if action == "cancel":
        return {"document": number, **preview(action, lambda: engine.cancel(request.user, number, "impact preview"))}
    raise DomainError("invalid", "action must be cancel or reverse", {"field": "action"})
