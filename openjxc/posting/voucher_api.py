"""Manual vouchers (记账凭证) through the API (API.md "Money and accounting"): drafts here;
approve / cancel / reverse through /documents/{number}/… (the approve alias below is the same
call). Listing and reading reuse the documents' selectors and permissions."""

from ninja import Query, Router, Status

from openjxc.core.api import Input, Num, page_of, page_qs, typed
from openjxc.documents import selectors
from openjxc.documents.access import require_type, visible
from openjxc.documents.rules import query_date
from openjxc.documents.schemas import DocumentOut

from . import engine, vouchers

router = Router(tags=["accounting"])


class VoucherLineIn(Input):
    account: str
    debit: Num | None = None
    credit: Num | None = None
    partner: str | None = None
    memo: str | None = None


class VoucherIn(Input):
    date: str
    memo: str | None = None
    lines: list[VoucherLineIn]


class ManualVoucherOut(DocumentOut):
    """A manual voucher: a document whose `account_lines` are the voucher's lines."""


def _body(payload: VoucherIn) -> dict:
    return payload.model_dump(exclude_unset=True)


@router.post("/vouchers", response=typed(ManualVoucherOut, 201))
def create(request, payload: VoucherIn):
    """A draft manual voucher: `{"date","memo","lines":[{"account","debit"|"credit","partner"?,
    "memo"?}]}`; unbalanced → 422 `unbalanced`, a subledger's account → 422 `control_account`,
    a parent account → 422 `parent_account`."""
    return Status(201, vouchers.create_voucher(request.user, _body(payload)))


@router.get("/vouchers", response=typed(page_of(ManualVoucherOut)))
def list_vouchers(
    request,
    status: str | None = None,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
    limit: int = 100,
    offset: int = 0,
):
    """Manual vouchers, newest first, with their account lines."""
    code = vouchers.voucher_type()
    require_type(request.user, code)
    qs = visible(
        request.user,
        selectors.list_documents(
            type=code,
            status=status,
            date_from=query_date(date_from, "from"),
            date_to=query_date(date_to, "to"),
        ),
    )
    return page_qs(qs, lambda d: selectors.document_dict(d, []), limit, offset)


@router.put("/vouchers/{number}", response=typed(ManualVoucherOut))
def update(request, number: str, payload: VoucherIn):
    """Replace a draft's date, memo and lines (the same checks as a new one)."""
    return vouchers.update_voucher(request.user, number, _body(payload))


@router.post("/vouchers/{number}/approve", response=typed(ManualVoucherOut))
def approve(request, number: str):
    """The same as POST /documents/{number}/approve (maker ≠ checker above the threshold)."""
    vouchers.require_voucher(number)
    doc = engine.approve(request.user, number)
    return {**selectors.document_dict(doc), "warnings": getattr(doc, "warnings", [])}
