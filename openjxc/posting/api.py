from ninja import Router, Schema

from openjxc.documents.selectors import document_dict

from . import engine

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
