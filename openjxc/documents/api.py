from django.db.models import Prefetch
from ninja import Query, Router, Status
from pydantic import StrictInt, StrictStr

from openjxc.core.api import Input, Num, page_of, page_qs, typed

from . import selectors, services
from .access import require_readable, visible
from .extensions import fill_draft
from .models import DocumentLine
from .rules import query_date
from .schemas import DocumentOut

router = Router(tags=["documents"])


class LineComponentIn(Input):
    item: str
    qty: Num


class LineIn(Input):
    item: str | None = None  # every type's lines but an expense's / other income's need it
    # every type but price_adjustment needs it (the service says so, per line); not nullable
    qty: Num = None
    price: Num | None = None
    price_incl_tax: Num | None = None
    tax_rate: Num | None = None
    source_line: StrictInt | StrictStr | None = None
    level: str | None = None  # price_adjustment: the price level (none: the list sale price)
    unit: str | None = None  # price_adjustment: the unit the price is for (default: base unit)
    # expense / other_income: the expense type, the tax-exclusive amount, a memo per line
    expense_type: str | None = None
    amount: Num | None = None
    memo: str | None = None
    # assembly / disassembly: the BOM to explode (default: the item's), or the components
    # consumed (assembly) or yielded (disassembly) by the whole line
    bom: str | None = None
    components: list[LineComponentIn] | None = None
    # 批次 / 序列号 (items batch- or serial-tracked): an outgoing line without a batch is picked
    # first-expiry-first-out; expiry defaults to production date + the item's shelf life
    batch: str | None = None
    production_date: str | None = None
    expiry_date: str | None = None
    serials: list[str] | None = None  # one per unit
    # cost_adjustment (成本调整单): the signed change of the stock value, and its warehouse
    value: Num | None = None
    warehouse: str | None = None


class AllocationIn(Input):
    document: str
    amount: Num


class DocumentIn(Input):
    type: str
    date: str | None = None  # required, except on opening balances (the go-live date)
    partner: str | None = None
    warehouse: str | None = None
    to_warehouse: str | None = None
    in_transit: bool | None = None  # a transfer that arrives with receipts (调拨在途)
    source: str | None = None
    external_ref: str | None = None
    memo: str | None = None
    version: int | None = None
    salesperson: str | None = None
    due_date: str | None = None  # of the receivable / payable (default: date + 账期)
    lines: list[LineIn] | None = None
    # money documents (receipt, payment, refund, supplier_refund)
    amount: Num | None = None
    account: str | None = None
    allocations: list[AllocationIn] | None = None
    auto_allocate: bool | None = None
    # fund_transfer (转账单): money account codes; the fee goes to 5603 财务费用
    from_account: str | None = None
    to_account: str | None = None
    fee: Num | None = None
    # assembly: the processing fee (yuan), credited to 5001 or to `account`
    extra_cost: Num | None = None
    # invoices
    invoice_no: str | None = None
    invoice_type: str | None = None
    # opening receivables / payables: the open item's due date (its own date is `date`)
    due_date: str | None = None


@router.post("/documents", response=typed(DocumentOut, 201))
def create_document(
    request, payload: DocumentIn, fill: str | None = None, category: str | None = None
):
    """Create a draft. The same type + external_ref returns the first document. A stock count
    with ?fill=all lists every item of its warehouse (of ?category=) at its book quantity."""
    if fill is not None:
        body = payload.model_dump(exclude_unset=True)
        return Status(201, fill_draft(request.user, body, fill, category))
    doc, _created = services.create_draft(request.user, payload.model_dump(exclude_unset=True))
    return Status(201, doc)


@router.get("/documents", response=typed(page_of(DocumentOut)))
def list_documents(
    request,
    type: str | None = None,
    status: str | None = None,
    partner: str | None = None,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
    limit: int = 100,
    offset: int = 0,
):
    """List documents, newest first; ?from=&to= bound the document date."""
    qs = visible(
        request.user,
        selectors.list_documents(
            type=type,
            status=status,
            partner=partner,
            date_from=query_date(date_from, "from"),
            date_to=query_date(date_to, "to"),
        ),
    )
    qs = qs.prefetch_related(
        Prefetch("lines", DocumentLine.objects.select_related("item").order_by("line_no"))
    )
    return page_qs(qs, lambda d: selectors.document_dict(d, list(d.lines.all())), limit, offset)


@router.get("/documents/{number}", response=typed(DocumentOut))
def get_document(request, number: str):
    doc = selectors.get_document(number)
    require_readable(request.user, doc)
    return selectors.document_dict(doc)


@router.put("/documents/{number}", response=typed(DocumentOut))
def update_document(request, number: str, payload: DocumentIn):
    return services.update_draft(request.user, number, payload.model_dump(exclude_unset=True))


@router.delete("/documents/{number}", response=typed(None, 204))
def delete_document(request, number: str):
    services.delete_draft(request.user, number)
    return Status(204, None)
