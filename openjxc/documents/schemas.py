"""Typed response bodies of documents (API.md "Documents"), for the served OpenAPI document.

Money fields are nullable: a document priced at cost has them masked for a user without
view_cost."""

from typing import Any

from ninja import Schema

from openjxc.core.api import Output


class LineComponentOut(Output):
    item: str
    item_name: str
    qty: str  # for the whole line, in base units
    bom: str | None


class LineOut(Output):
    id: int
    line_no: int
    item: str
    item_name: str
    unit: str
    qty: str
    price: str | None
    price_incl_tax: str | None
    tax_rate: str | None
    amount: str | None
    tax: str | None
    amount_incl_tax: str | None
    source_line: int | None
    fulfilled_qty: str | None = None  # orders only
    remaining_qty: str | None = None  # orders only
    level: str | None = None  # 调价单: the price level it sets (none: the list sale price)
    level_name: str | None = None
    previous_price: str | None = None  # 调价单: the price before it was approved
    # a draft stock count: the book quantity at its date, the difference counted − book and its
    # value (cost), and whether anyone counted the item yet
    book_qty: str | None = None
    difference: str | None = None
    difference_value: str | None = None
    counted: bool | None = None
    bom: str | None = None  # assembly / disassembly: the BOM exploded
    components: list[LineComponentOut] | None = None  # assembly / disassembly
    batch: str | None = None  # 批次 (batch-tracked items)
    production_date: str | None = None
    expiry_date: str | None = None
    serials: list[str] | None = None  # 序列号, one per unit (serial-tracked items)
    # a transfer in transit (base units): shipped on approval, received by its receipts
    shipped_qty: str | None = None
    received_qty: str | None = None
    in_transit_qty: str | None = None
    warehouse: str | None = None  # 成本调整单: the warehouse whose stock the line revalues
    value: str | None = None  # 成本调整单: the change of the stock value (signed; cost)


class AccountLineOut(Output):
    account: str
    account_name: str
    debit: str
    credit: str
    partner: str | None = None
    memo: str | None = None


class ExpenseLineOut(Output):
    """A line of an expense or other income (费用单 / 其他收入单)."""

    id: int
    line_no: int
    expense_type: str | None
    expense_type_name: str | None
    account: str
    account_name: str
    amount: str | None
    tax_rate: str | None
    tax: str | None
    amount_incl_tax: str | None
    memo: str | None


class WarningOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


class DocumentOut(Output):
    id: int
    number: str
    type: str
    type_name: str
    status: str
    date: str
    partner: str | None
    partner_name: str | None
    warehouse: str | None
    to_warehouse: str | None
    source: str | None
    external_ref: str | None
    reversal_of: str | None
    reversal: str | None
    memo: str | None
    salesperson: str | None
    account: str | None
    invoice_no: str | None
    invoice_type: str | None
    due_date: str | None  # of the receivable / payable it raises (账期)
    version: int
    lines: list[LineOut | ExpenseLineOut]  # item lines, or an expense's lines
    amount: str | None
    tax: str | None
    amount_incl_tax: str | None
    approved_at: str | None
    cancelled_at: str | None
    cancel_reason: str | None
    warnings: list[WarningOut] | None = None  # approve only
    origin_date: str | None = None  # the open item's own date (opening receivables / payables)
    due_date: str | None = None
    account_lines: list[AccountLineOut] | None = None  # opening account balances
    from_account: str | None = None  # 转账单: the money account paying amount + fee
    to_account: str | None = None  # 转账单: the money account receiving amount
    fee: str | None = None  # 转账单: to 5603 财务费用
    extra_cost: str | None = None  # assembly: the processing fee (cost: masked without view_cost)
    in_transit: bool | None = None  # a transfer: arrives with receipts (调拨在途)
    correction: int | None = None  # 红冲蓝补: the latest correction this document is part of
    correction_role: str | None = None  # original, red, blue, blue_reversal or restored
