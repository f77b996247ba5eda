"""Typed response bodies of the reports. Cost-class fields (and the money of purchase
documents, for a row carrying its document type) are nullable: masked without view_cost.
Rows also carry the `from` / `to` of the range asked for where they echo it."""

from openjxc.core.api import Output
from openjxc.inventory.api import CostLayerOut

Totals = dict[str, str | None]


class SummaryRowOut(Output):
    item: str
    item_name: str
    category: str | None = None  # the item's category code (商品分类)
    category_name: str | None = None
    opening_qty: str
    opening_value: str | None
    in_qty: str
    in_value: str | None
    out_qty: str
    out_value: str | None
    closing_qty: str
    closing_value: str | None


class CategorySubtotalOut(Output):
    """A category's subtotal over its whole subtree (?by_category=true); category null: the
    items without a category."""

    category: str | None
    category_name: str | None
    parent: str | None
    level: int  # 0 for a top-level category
    count: int  # rows in its subtree
    opening_qty: str
    opening_value: str | None
    in_qty: str
    in_value: str | None
    out_qty: str
    out_value: str | None
    closing_qty: str
    closing_value: str | None
    # ?units=mixed: the quantities also in the item's units, largest first ("3箱5个")
    opening_qty_in_units: str | None = None
    in_qty_in_units: str | None = None
    out_qty_in_units: str | None = None
    closing_qty_in_units: str | None = None


class InventorySummaryOut(Output):
    items: list[SummaryRowOut]
    count: int
    totals: Totals
    categories: list[CategorySubtotalOut] | None = None  # with ?by_category=true


class LedgerRowOut(Output):
    date: str
    document: str
    type: str
    warehouse: str
    in_qty: str
    out_qty: str
    unit_cost: str | None
    value: str | None
    balance_qty: str
    balance_value: str | None
    costing_method: str | None = None
    cost_layers: list[CostLayerOut] | None = None  # FIFO: the layers an outgoing move took
    average_cost: str | None = None  # averages: the unit cost it used
    average_provisional: bool | None = None  # monthly average before its period closes


class StockLedgerOut(Output):
    opening: Totals
    items: list[LedgerRowOut]
    count: int
    closing: Totals | None


class AgingRowOut(Output):
    """Also one field per age bucket ("0-30", "31-60", …), and "not_due" by due date."""

    partner: str
    partner_name: str
    total: str


class AgingOut(Output):
    kind: str
    as_of: str
    basis: str  # date | due_date
    items: list[AgingRowOut]
    count: int
    totals: Totals


class UninvoicedOut(Output):
    document: str
    type: str
    date: str
    partner: str
    amount: str | None
    returned: str | None
    invoiced: str | None
    uninvoiced: str | None


class StatementLineOut(Output):
    date: str
    due_date: str | None
    document: str
    type: str
    kind: str
    entry: str
    amount: str | None
    balance: str | None


class StatementOut(Output):
    """closing_advance: {"received", "paid"}, the unallocated money within the closing balance."""

    opening: Totals
    lines: list[StatementLineOut]
    items: list[StatementLineOut]
    count: int
    closing: Totals
    closing_advance: Totals


class SuggestOut(Output):
    item: str
    partner: str | None
    kind: str
    unit: str  # 多单位: the prices are per this unit
    last_price: str | None
    list_price: str | None
    partner_price: str | None
    level_price: str | None  # the price of the customer's level (sales)
    price_level: str | None  # the customer's level
    default_price: str | None = None  # sales: price list > level price > list price


class MarginOut(Output):
    document: str
    revenue: str
    cost: str | None
    margin: str | None
    margin_pct: str | None
    lines: list[Output]


class PartnerPriceOut(Output):
    partner: str
    item: str
    price: str | None


class ShareLinkOut(Output):
    id: int
    token: str
    url: str
    expires_at: str


class RevokedOut(Output):
    id: int
    revoked: bool


class TradeRowOut(Output):
    """A summary or detail row; sales rows carry cost and margin; rows of items (by item, and
    detail rows) name the item's category."""

    category: str | None = None
    category_name: str | None = None
    qty: str | None = None
    amount: str | None = None
    tax: str | None = None
    amount_incl_tax: str | None = None
    cost: str | None = None
    margin: str | None = None
    margin_pct: str | None = None


class TradeReportOut(Output):
    kind: str
    items: list[TradeRowOut]
    count: int
    totals: Totals


class FollowUpRowOut(Output):
    """One order line: ordered, fulfilled by approved deliveries / receipts, outstanding."""

    order: str
    date: str
    status: str
    partner: str
    item: str
    ordered: str
    fulfilled: str
    outstanding: str
