"""The journal through the API: GET /journal (凭证列表 with filters), GET /journal/export (金蝶 /
用友 voucher import file), GET and PUT /journal/export-mapping (科目对照)."""

from urllib.parse import quote

from django.http import HttpResponse
from ninja import Query, Router

from openjxc.core.api import Input, Output, page_of, typed
from openjxc.core.errors import DomainError
from openjxc.core.schema_fields import Fen
from openjxc.documents.rules import query_date
from openjxc.ledger.mapping import check_format, mapping_rows, set_mappings
from openjxc.users.services import EXPORT, MONEY, VIEW_COST, require

from . import journal as selectors
from . import voucher_export
from .excel import XLSX

router = Router(tags=["accounting"])


class JournalLineOut(Output):
    account: str
    account_name: str
    debit: Fen
    credit: Fen
    partner: str | None
    partner_name: str | None = None


class VoucherOut(Output):
    id: int
    date: str
    number: str | None  # 记-0001 once the period is closed
    provisional_number: str | None = None  # in an open period: its place in date order
    kind: str
    memo: str | None
    summary: str | None = None  # 摘要 in words: the document's type name, number, partner
    document: str | None
    maker: str | None = None
    checker: str | None = None
    bookkeeper: str | None = None
    lines: list[JournalLineOut]
    debit: Fen | None = None
    credit: Fen | None = None


class MappingRowOut(Output):
    account: str
    account_name: str
    code: str  # empty: the account exports with our own code
    name: str


class MappingOut(Output):
    format: str
    items: list[MappingRowOut]
    count: int


class MappingRowIn(Input):
    account: str
    code: str = ""
    name: str = ""


class MappingIn(Input):
    items: list[MappingRowIn]


def _accountant(user) -> None:
    """The export and its mapping are the money area's, and show cost of goods."""
    require(user, VIEW_COST)
    require(user, MONEY)


@router.get("/journal", response=typed(page_of(VoucherOut)))
def journal(
    request,
    period: str | None = None,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
    account: str | None = Query(None, description="account code; its sub-accounts too"),
    document: str | None = Query(None, description="document number"),
    number: str | None = Query(None, description="voucher number, 记-0001 or 1"),
    limit: int = 1000,
    offset: int = 0,
):
    """Vouchers with their lines (they show cost of goods: needs view_cost); ?period= wins over
    ?from=&to=."""
    require(request.user, VIEW_COST)
    data = selectors.vouchers(
        period=period,
        date_from=query_date(date_from, "from"),
        date_to=query_date(date_to, "to"),
        account=account or None,
        document=document or None,
        number=number or None,
        limit=max(limit, 0),
        offset=max(offset, 0),
    )
    return {"items": data["items"], "count": data["count"]}


@router.get("/journal/export", response=typed(Output))
def export(request, period: str | None = None, format: str | None = None):
    """?period=&format=kingdee|yonyou → the xlsx for the accountant's voucher import; the header
    X-Provisional-Numbers: 1 says the period is open and its numbers are provisional."""
    _accountant(request.user)
    require(request.user, EXPORT)
    fmt = check_format(format)
    if not period:
        raise DomainError("invalid", "period is required", {"field": "period"})
    body, provisional = voucher_export.export_bytes(period, fmt)
    response = HttpResponse(body, content_type=XLSX)
    name = quote(voucher_export.filename(period, fmt))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    response["X-Provisional-Numbers"] = "1" if provisional else "0"
    return response


@router.get("/journal/export-mapping", response=typed(MappingOut))
def export_mapping(request, format: str | None = None):
    """Every account with the accountant's code and name in this format (empty: unmapped)."""
    _accountant(request.user)
    rows = mapping_rows(check_format(format))
    return {"format": format, "items": rows, "count": len(rows)}


@router.put("/journal/export-mapping", response=typed(MappingOut))
def put_export_mapping(request, body: MappingIn, format: str | None = None):
    """Replaces the format's table with the rows given (an empty code removes a row); audited."""
    _accountant(request.user)
    rows = set_mappings(request.user, check_format(format), [r.model_dump() for r in body.items])
    return {"format": format, "items": rows, "count": len(rows)}
