"""红冲蓝补 over HTTP: propose a correction of an approved document, approve it, undo it, read
them (posting/corrections.py does the work). The preview is the documents' impact endpoint with
action=correct (posting/api.py)."""

import json

from ninja import Router, Status
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticError

from openjxc.core.api import Input, Output, typed
from openjxc.core.errors import DomainError
from openjxc.documents.api import DocumentIn

from . import corrections
from .schemas import (
    CostChangeOut,
    ImpactOut,
    ImpactVoucherOut,
    OpenItemChangeOut,
    StockChangeOut,
)

router = Router(tags=["corrections"])


class CorrectIn(Input):
    reason: str | None = None
    date: str | None = None  # of both halves when the original's period is closed
    document: DocumentIn  # the corrected document, as its create body


class UndoIn(Input):
    reason: str | None = None


class CorrectionOut(Output):
    """A correction; its documents by number (red none when the original's period was open)."""

    id: int
    status: str  # pending_approval, approved, undone
    original: str
    red: str | None
    blue: str
    blue_reversal: str | None
    restored: str | None
    reason: str
    undo_reason: str | None
    maker: str | None
    approver: str | None
    undone_by: str | None
    created_at: str | None
    approved_at: str | None
    undone_at: str | None
    backup_id: str | None = None  # the backup taken before approve / undo


class CorrectionListOut(Output):
    corrections: list[CorrectionOut]


class NetAccountOut(Output):
    account: str
    account_name: str
    net_debit: str


class ImpactStepOut(Output):
    step: str  # red, blue
    stock: list[StockChangeOut] = []
    cost_changes: list[CostChangeOut] = []
    vouchers: list[ImpactVoucherOut] = []
    open_items: list[OpenItemChangeOut] = []


class CorrectionImpactOut(ImpactOut):
    """Both halves (`steps`) and the net effect (the fields of ImpactOut, `net_accounts`)."""

    steps: list[ImpactStepOut] = []
    net_accounts: list[NetAccountOut] = []


def correction_body(request) -> CorrectIn:
    """The preview's body: a GET carries it too (read here, since ninja reads none on a GET)."""
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise DomainError("invalid", "the body must be JSON", {"field": "document"}) from None
    try:
        return CorrectIn.model_validate(data)
    except PydanticError as exc:
        raise ValidationError(exc.errors()) from None


def impact(request, number: str, payload: CorrectIn) -> dict:
    body = payload.document.model_dump(exclude_unset=True)
    return corrections.preview(request.user, number, body, payload.date)


def _out(corr, backup_id=None) -> dict:
    return {**corrections.correction_dict(corr), "backup_id": backup_id}


@router.post("/documents/{number}/correct", response=typed(CorrectionOut, 201))
def correct(request, number: str, payload: CorrectIn):
    """更正 (红冲蓝补): the red reversal and the blue re-entry, both pending_approval."""
    body = payload.document.model_dump(exclude_unset=True)
    corr = corrections.propose(request.user, number, payload.reason, body, payload.date)
    return Status(201, _out(corrections.get(request.user, corr.id)))


@router.get("/corrections", response=typed(CorrectionListOut))
def list_corrections(request, status: str | None = None):
    rows = corrections.list_corrections(request.user, status)
    return {"corrections": [_out(c) for c in rows]}


@router.get("/corrections/{correction_id}", response=typed(CorrectionOut))
def get_correction(request, correction_id: int):
    return _out(corrections.get(request.user, correction_id))


@router.post("/corrections/{correction_id}/approve", response=typed(CorrectionOut))
def approve(request, correction_id: int):
    """Post both halves in one transaction, after a backup (`backup_id`); someone other than
    the maker above approval_threshold.<type>."""
    corr, backup_id = corrections.approve(request.user, correction_id)
    return _out(corrections.get(request.user, corr.id), backup_id)


@router.post("/corrections/{correction_id}/undo", response=typed(CorrectionOut))
def undo(request, correction_id: int, payload: UndoIn):
    """撤销更正: the original's effect back, after a backup; 409 has_dependents while a later
    document uses the blue one."""
    corr, backup_id = corrections.undo(request.user, correction_id, payload.reason)
    return _out(corrections.get(request.user, corr.id), backup_id)
