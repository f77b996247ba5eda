from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Status

from openjxc.catalog.categories import subtree_ids
from openjxc.catalog.models import PriceListEntry
from openjxc.catalog.selectors import get_item, with_units
from openjxc.catalog.units import mixed_units
from openjxc.core.api import Input, Num, page, page_of, typed
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import parse_decimal, price_str
from openjxc.documents.access import (
    partner_kinds,
    require_readable,
    require_type,
    visible_partner_ids,
)
from openjxc.documents.rules import query_date
from openjxc.documents.selectors import get_document
from openjxc.documents.types import TYPES, invoiced_types
from openjxc.inventory.selectors import get_warehouse, warehouse_scope
from openjxc.partners.models import Partner
from openjxc.partners.selectors import find_partner
from openjxc.users.services import (
    MASTER_DATA,
    VIEW_COST,
    require,
)

from . import money, selectors, sharing, trade
from .category_totals import grouped_rows
from .excel import export_xlsx, period_text, query_filters
from .schemas import (
    AgingOut,
    FollowUpRowOut,
    InventorySummaryOut,
    MarginOut,
    PartnerPriceOut,
    RevokedOut,
    ShareLinkOut,
    StatementOut,
    StockLedgerOut,
    SuggestOut,
    TradeReportOut,
    UninvoicedOut,
)
from .selectors import SUMMARY_COLUMNS

router = Router(tags=["reports"])


def _report_xlsx(request, title, columns, rows, totals, date_from, date_to, filename=None):
    """A report as Excel for the requesting user, titled with its period and the request's
    filters."""
    return export_xlsx(
        request.user,
        quote(filename or f"{title}.xlsx"),
        title,
        columns,
        rows,
        totals,
        period=period_text(date_from, date_to),
        filters=query_filters(request.GET),
    )


FROM = Query(None, alias="from", description="YYYY-MM-DD, default the first of this month")
CATEGORY = Query(None, description="a category code: the items of it and of every category below")
TO = Query(None, alias="to", description="YYYY-MM-DD, default today")
UNITS = Query(None, description='"mixed": quantities also in the items\' units, e.g. 3箱5个')
SUMMARY_QTY = ("opening_qty", "in_qty", "out_qty", "closing_qty")


def _range(date_from: str | None, date_to: str | None):
    today = timezone.localdate()
    date_from = query_date(date_from, "from") or today.replace(day=1)
    date_to = query_date(date_to, "to") or today
    if date_to < date_from:
        raise DomainError("invalid", "to must not be before from", {"field": "to"})
    return date_from, date_to


def _warehouse_scope(user, code: str | None) -> list[int] | None:
    """The warehouses a stock report may read: the one asked for, which must be the user's (403
    otherwise), else all of them — for a user limited to some warehouses, those."""
    return warehouse_scope(user, get_warehouse(code) if code else None)


@router.get("/reports/inventory-summary", response=typed(InventorySummaryOut))
def inventory_summary(
    request,
    warehouse: str | None = None,
    by_warehouse: bool = False,
    category: str | None = CATEGORY,
    by_category: bool = False,
    format: str = "json",
    date_from: str | None = FROM,
    date_to: str | None = TO,
    units: str | None = UNITS,
):
    """进销存汇总表: ?from=&to=&warehouse=&by_warehouse=true&category=&by_category=true&format=xlsx.
    by_category: rows in category order and `categories`, a subtotal per category over its
    subtree (the sheet shows them as subtotal rows); ?units=mixed adds the quantities in the
    items' units ("3箱5个", fields *_qty_in_units)."""
    mixed = mixed_units(units)
    date_from, date_to = _range(date_from, date_to)
    data = selectors.inventory_summary(
        date_from,
        date_to,
        _warehouse_scope(request.user, warehouse),
        by_warehouse,
        subtree_ids(category),
        by_category,
    )
    if mixed:
        data["items"] = with_units(data["items"], SUMMARY_QTY)
    if format == "xlsx":
        columns = (
            SUMMARY_COLUMNS
            if not by_warehouse
            else SUMMARY_COLUMNS[:2]
            + [("warehouse_name", gettext_lazy("Warehouse"))]
            + SUMMARY_COLUMNS[2:]
        )
        name = f"进销存汇总表_{date_from}_{date_to}.xlsx"
        return _report_xlsx(
            request,
            "进销存汇总表",
            columns,
            grouped_rows(data) if by_category else data["items"],
            data["totals"],
            date_from,
            date_to,
            name,
        )
    return data


@router.get("/reports/stock-ledger", response=typed(StockLedgerOut))
def stock_ledger(
    request,
    item: str,
    warehouse: str | None = None,
    format: str = "json",
    date_from: str | None = FROM,
    date_to: str | None = TO,
):
    """库存台账 of one item: ?item=&warehouse=&from=&to=&format=xlsx."""
    date_from, date_to = _range(date_from, date_to)
    it = get_item(item)
    data = selectors.stock_ledger(
        it.id, _warehouse_scope(request.user, warehouse), date_from, date_to
    )
    if format == "xlsx":
        columns = selectors.stock_ledger_columns()
        opening = {
            "date": str(date_from),
            "document": "期初",
            "balance_qty": data["opening"]["qty"],
            "balance_value": data["opening"]["value"],
        }
        return _report_xlsx(
            request,
            "库存台账",
            columns,
            [opening, *data["items"]],
            None,
            date_from,
            date_to,
            f"库存台账_{item}.xlsx",
        )
    return data


def _require_kind(user, kind: str) -> None:
    """Receivables (customers) for sales and money users, payables (suppliers) for purchase and
    money users."""
    partner = {"receivable": "customer", "payable": "supplier"}
    if kind not in partner:
        raise DomainError("invalid", "kind must be receivable or payable", {"field": "kind"})
    if partner[kind] not in partner_kinds(user):
        raise DomainError(
            "forbidden",
            f"no permission for {kind} figures",
            {"permission": "sales_documents, purchase_documents or money_documents"},
        )


@router.get("/reports/aging", response=typed(AgingOut))
def aging(
    request,
    kind: str = "receivable",
    as_of: str | None = Query(None, description="YYYY-MM-DD, default today"),
    basis: str = Query("date", description="date (days since the document date) | due_date"),
):
    """账龄分析: open amounts per partner by days since the document date, or with
    ?basis=due_date by days past the due date, with what is not yet due in "not_due"."""
    _require_kind(request.user, kind)
    return money.aging(kind, query_date(as_of, "as_of") or timezone.localdate(), basis)


@router.get("/reports/uninvoiced", response=typed(page_of(UninvoicedOut)))
def uninvoiced(request, limit: int = 1000, offset: int = 0):
    """Approved deliveries and receipts not (fully) covered by an approved invoice: the ones of
    the user's areas (deliveries for sales and money users, receipts for purchase and money)."""
    types = [t for t in invoiced_types() if TYPES[t].partner in partner_kinds(request.user)]
    if not types:
        _require_kind(request.user, "receivable")
    return page([r for r in money.uninvoiced() if r["type"] in types], limit, offset)


@router.get("/partners/{code}/statement", response=typed(StatementOut), tags=["money"])
def statement(
    request,
    code: str,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    format: str = "json",
):
    """对账单: opening, every document and payment, closing (?format=xlsx for Excel)."""
    ids = visible_partner_ids(request.user, code)
    today = timezone.localdate()
    date_from = query_date(date_from, "from") or today.replace(day=1)
    date_to = query_date(date_to, "to") or today
    data = money.statement(ids, date_from, date_to)
    if format == "xlsx":
        columns = [
            ("date", gettext_lazy("Date")),
            ("document", gettext_lazy("Document")),
            ("type", gettext_lazy("Type")),
            ("kind", gettext_lazy("Receivable or payable")),
            ("amount", gettext_lazy("Amount")),
            ("balance", gettext_lazy("Balance")),
        ]
        return export_xlsx(
            request.user,
            quote(f"对账单_{code}.xlsx"),
            "对账单",
            columns,
            data["lines"],
            period=period_text(date_from, date_to),
            filters=[(_("Partner"), code)],
        )
    return data


@router.get("/prices/suggest", response=typed(SuggestOut), tags=["money"])
def suggest(
    request,
    item: str,
    partner: str | None = None,
    kind: str = "sales",
    date: str | None = Query(None, description="YYYY-MM-DD (the level price on it), default today"),
    unit: str | None = Query(None, description="one of the item's units; default the base unit"),
):
    """Last price to this partner, list price, the partner's own price list price and (sales)
    the price of the customer's level; default_price is what a sales line gets untyped. With
    unit: per that unit (its own price, else the base unit's × its factor)."""
    it = get_item(item)
    p = None
    if partner:
        p = find_partner(Partner.CUSTOMER if kind == "sales" else Partner.SUPPLIER, partner)
        if p is None:
            raise not_found("partner", partner)
    return money.visible_prices(request.user, it, p, kind, query_date(date, "date"), unit)


@router.get("/documents/{number}/margin", response=typed(MarginOut), tags=["documents"])
def margin(request, number: str):
    """Estimated gross margin of a sales order or delivery (cost at the current average)."""
    doc = get_document(number)
    require_readable(request.user, doc)
    require(request.user, VIEW_COST)
    return money.margin(doc)


class PriceIn(Input):
    price: Num


@router.put("/price-lists/{partner}/{item}", response=typed(PartnerPriceOut), tags=["master data"])
def set_partner_price(request, partner: str, item: str, payload: PriceIn):
    """A customer's (or supplier's) own price for an item."""
    require(request.user, MASTER_DATA)
    p = Partner.objects.filter(code=partner).first()
    if p is None:
        raise not_found("partner", partner)
    price = parse_decimal(payload.price, "price", 6)
    PriceListEntry.objects.update_or_create(
        partner=p, item=get_item(item), defaults={"price": price}
    )
    return {"partner": partner, "item": item, "price": price_str(price)}


class ShareIn(Input):
    date_from: str | None = Field(None, alias="from")
    date_to: str | None = Field(None, alias="to")
    days: int = 7


@router.post("/partners/{code}/statement/share", response=typed(ShareLinkOut, 201), tags=["money"])
def share_statement(request, code: str, payload: ShareIn):
    """A signed, expiring, revocable read-only link to this partner's statement."""
    p = Partner.objects.filter(code=code).first()
    if p is None:
        raise not_found("partner", code)
    today = timezone.localdate()
    link = sharing.create_link(
        request.user,
        p,
        query_date(payload.date_from, "from") or today.replace(day=1),
        query_date(payload.date_to, "to") or today,
        payload.days,
    )
    return Status(201, link)


@router.delete("/share-links/{link_id}", response=typed(RevokedOut), tags=["money"])
def revoke_share(request, link_id: int):
    sharing.revoke(request.user, link_id)
    return {"id": link_id, "revoked": True}


def _require_trade(user, kind: str) -> None:
    """Sales figures for sales and money users, purchase figures for purchase and money users."""
    if ("customer" if kind == "sales" else "supplier") not in partner_kinds(user):
        raise DomainError(
            "forbidden", f"no permission for {kind} reports", {"permission": f"{kind}_documents"}
        )


@router.get("/reports/{kind}-summary", response=typed(TradeReportOut))
def trade_summary(
    request,
    kind: str,
    by: str = "item",
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    category: str | None = CATEGORY,
    format: str = "json",
):
    """Sales or purchase summary (kind = sales | purchase) by item, partner, salesperson, period
    or category (the item's own); sales include cost and gross margin. ?category= only the items
    of that category and below. ?format=xlsx for Excel."""
    if kind not in trade.KINDS:
        raise not_found("report", f"{kind}-summary")
    _require_trade(request.user, kind)
    today = timezone.localdate()
    date_from = query_date(date_from, "from") or today.replace(day=1)
    date_to = query_date(date_to, "to") or today
    data = trade.summary(
        kind, by, date_from, date_to, warehouse_scope(request.user), subtree_ids(category)
    )
    if format == "xlsx":
        columns = trade.summary_columns(kind, by)
        label = "销售汇总" if kind == "sales" else "采购汇总"
        return _report_xlsx(
            request, label, columns, data["items"], data["totals"], date_from, date_to
        )
    return data


@router.get("/reports/{kind}-details", response=typed(TradeReportOut))
def trade_details(
    request,
    kind: str,
    date_from: str | None = FROM,
    date_to: str | None = TO,
    partner: str | None = None,
    item: str | None = None,
    salesperson: str | None = None,
    category: str | None = CATEGORY,
    format: str = "json",
    limit: int = 1000,
    offset: int = 0,
):
    """Sales or purchase detail (明细表): one row per posted line, returns negative, with period;
    sales rows carry cost and margin. Totals cover all rows, not just the page. ?format=xlsx."""
    if kind not in trade.KINDS:
        raise not_found("report", f"{kind}-details")
    _require_trade(request.user, kind)
    date_from, date_to = _range(date_from, date_to)
    data = trade.details(
        kind,
        date_from,
        date_to,
        partner=partner,
        item=item,
        salesperson=salesperson,
        warehouse_ids=warehouse_scope(request.user),
        categories=subtree_ids(category),
    )
    if format == "xlsx":
        columns = trade.detail_columns(kind)
        label = "销售明细" if kind == "sales" else "采购明细"
        return _report_xlsx(
            request, label, columns, data["items"], data["totals"], date_from, date_to
        )
    listing = page(data["items"], limit, offset)
    return {**data, **listing}


@router.get("/reports/order-follow-up", response=typed(page_of(FollowUpRowOut)))
def order_follow_up(
    request,
    kind: str = "sales",
    category: str | None = CATEGORY,
    limit: int = 1000,
    offset: int = 0,
):
    """Ordered, delivered or received, outstanding per order line (sales or purchase orders, for
    the users who work with them); ?category= the items of that category and below."""
    if kind in trade.ORDER_TYPES:
        require_type(request.user, trade.ORDER_TYPES[kind])
    return page(trade.order_follow_up(kind, subtree_ids(category)), limit, offset)
