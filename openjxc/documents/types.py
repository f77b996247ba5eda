"""The registry of document types: each type is declared once here and owns everything about it.

Access, masking, the menu, the approval thresholds, the reports, the posting engine and the
integrity checks ask this registry instead of naming types; a type's posting recipe lives in
`posting/recipes/<family>.py` and is found through `recipe` (a dotted path, resolved by the
posting app, so that this module stays below it). How to add a type: docs/architecture.md."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from openjxc.core.error_codes import register_labels
from openjxc.users.admin import THRESHOLD_TYPES
from openjxc.users.masking import PRICED_AT_COST
from openjxc.users.services import MONEY, PURCHASE, SALES, STOCK

# navigation groups (web/nav.py shows a group's types in declaration order)
PURCHASING, SELLING, INVENTORY, MONEY_GROUP = "purchasing", "sales", "inventory", "money"
OPENING_GROUP = "opening"


@dataclass(frozen=True)
class DocType:
    code: str
    prefix: str  # document number prefix
    label: str  # singular name (translatable)
    plural: str  # the menu entry (translatable)
    areas: tuple  # permission areas that may write it (any one of them)
    read_areas: tuple = ()  # areas that may also read (never write) it
    partner: str | None = None  # "customer" | "supplier" | None
    partner_required: bool = False
    warehouse: bool = True
    to_warehouse: bool = False  # moves goods between two warehouses
    priced: bool = True  # lines carry prices and tax
    price_field: str = "purchase_price"  # item default price
    priced_at_cost: bool = (
        False  # its prices are purchase prices or costs (masked without view_cost)
    )
    margin: bool = False  # a gross margin means something on it (what is sold)
    counted: bool = False  # lines give the counted quantity (each item once; a price values a gain)
    source_types: tuple = ()  # types a document of this type may derive from (linked lines)
    refunded_by: str | None = None  # the money type that pays it back (cancel-chain with refund)
    side: str | None = None  # "sales" | "purchase": which trade reports count it
    threshold: bool = False  # an approval threshold (maker ≠ checker) may be set for it
    nav: str | None = None  # navigation group
    posts: bool = False  # available for entry and approval in this build
    kind: str = "stock"  # how it posts: stock | order | money | invoice | price (sets prices) |
    # ledger (a voucher and an open item from its head or account lines, no stock) |
    # expense_lines (lines by expense type: a voucher, and an open item when not paid now)
    makes_vouchers: bool = False  # its approval writes a posting voucher (checked by reconcile)
    payment_terms: bool = False  # its receivable / payable falls due after the partner's 账期
    recipe: str | None = None  # dotted path of its posting recipe (posting/recipes/)
    # an opening balance (期初) of: stock | receivable | payable | accounts. Dated at the go-live
    # date, booked against 3999 期初余额差额, corrected by cancelling (never reversed)
    opening: str | None = None
    # moves money between two money accounts (kind ledger): from_account, to_account, amount, fee
    transfer: bool = False
    # its lines are typed account lines (a manual voucher, 记账凭证): written through
    # /api/v1/vouchers and the voucher form, posted exactly as typed
    manual_lines: bool = False
    # its lines carry components (documents/components.py): "outputs" (the lines are made of
    # them: 组装单) | "inputs" (the lines are taken apart into them: 拆卸单)
    assembled: str | None = None
    # the arrival of an in-transit transfer (调拨在途): made only by POST /documents/{number}/
    # receive (never entered by hand), derived from the transfer it receives
    transit_receipt: bool = False
    # lines revalue stock: {"item", "warehouse"?, "value"} (成本调整单), no quantity
    revalues: bool = False


def _recipe(family: str, name: str) -> str:
    return f"openjxc.posting.recipes.{family}.{name}"


_P, _S = "supplier", "customer"
_PURCHASE = {
    "areas": (PURCHASE,),
    "partner": _P,
    "partner_required": True,
    "side": "purchase",
    "priced_at_cost": True,
    "nav": PURCHASING,
    "posts": True,
}
_SALES = {
    "areas": (SALES,),
    "partner": _S,
    "partner_required": True,
    "side": "sales",
    "price_field": "sale_price",
    "nav": SELLING,
    "posts": True,
}
_STOCK = {"areas": (STOCK,), "nav": INVENTORY}
_OPENING = {
    "areas": (MONEY,),
    "nav": OPENING_GROUP,
    "posts": True,
    "makes_vouchers": True,
    "warehouse": False,
    "kind": "ledger",
}
# 费用单 / 其他收入单: lines by expense type, paid now from a money account or owed (a payable /
# receivable with its due date after the partner's 账期)
_EXPENSES = {
    "areas": (MONEY,),
    "warehouse": False,
    "nav": MONEY_GROUP,
    "posts": True,
    "kind": "expense_lines",
    "makes_vouchers": True,
    "payment_terms": True,
}
_MONEY = {
    "areas": (MONEY,),
    "partner_required": True,
    "warehouse": False,
    "nav": MONEY_GROUP,
    "posts": True,
    "kind": "money",
    "makes_vouchers": True,
}

TYPES = {
    t.code: t
    for t in [
        DocType(
            "purchase_order",
            "CGDD",
            _("Purchase order"),
            _("Purchase orders"),
            **_PURCHASE,
            threshold=True,
            kind="order",
            recipe=_recipe("orders", "PURCHASE_ORDER"),
        ),
        DocType(
            "purchase_receipt",
            "CGRK",
            _("Purchase receipt"),
            _("Purchase receipts"),
            **{**_PURCHASE, "areas": (PURCHASE, STOCK)},
            read_areas=(MONEY,),
            threshold=True,
            source_types=("purchase_order",),
            makes_vouchers=True,
            payment_terms=True,
            recipe=_recipe("stock_in", "PURCHASE_RECEIPT"),
        ),
        DocType(
            "purchase_return",
            "CGTH",
            _("Purchase return"),
            _("Purchase returns"),
            **{**_PURCHASE, "areas": (PURCHASE, STOCK)},
            read_areas=(MONEY,),
            source_types=("purchase_receipt",),
            makes_vouchers=True,
            recipe=_recipe("stock_out", "PURCHASE_RETURN"),
        ),
        DocType(
            "purchase_invoice",
            "CGFP",
            _("Purchase invoice"),
            _("Purchase invoices"),
            **{**_PURCHASE, "areas": (PURCHASE, MONEY), "side": None},
            warehouse=False,
            source_types=("purchase_receipt",),
            kind="invoice",
            recipe=_recipe("invoices", "INVOICE"),
        ),
        DocType(
            "sales_order",
            "XSDD",
            _("Sales order"),
            _("Sales orders"),
            **_SALES,
            margin=True,
            threshold=True,
            kind="order",
            recipe=_recipe("orders", "SALES_ORDER"),
        ),
        DocType(
            "sales_delivery",
            "XSCK",
            _("Sales delivery"),
            _("Sales deliveries"),
            **{**_SALES, "areas": (SALES, STOCK)},
            read_areas=(MONEY,),
            margin=True,
            threshold=True,
            source_types=("sales_order",),
            makes_vouchers=True,
            payment_terms=True,
            recipe=_recipe("stock_out", "SALES_DELIVERY"),
        ),
        DocType(
            "sales_return",
            "XSTH",
            _("Sales return"),
            _("Sales returns"),
            **{**_SALES, "areas": (SALES, STOCK)},
            read_areas=(MONEY,),
            source_types=("sales_delivery",),
            makes_vouchers=True,
            recipe=_recipe("stock_in", "SALES_RETURN"),
        ),
        DocType(
            "sales_invoice",
            "XSFP",
            _("Sales invoice"),
            _("Sales invoices"),
            **{**_SALES, "areas": (SALES, MONEY), "side": None},
            warehouse=False,
            source_types=("sales_delivery",),
            kind="invoice",
            recipe=_recipe("invoices", "INVOICE"),
        ),
        DocType(
            "price_adjustment",
            "TJD",
            _("Price adjustment"),
            _("Price adjustments"),
            areas=(SALES,),
            warehouse=False,
            priced=False,
            price_field="sale_price",
            nav=SELLING,
            posts=True,
            kind="price",
            recipe=_recipe("prices", "PRICE_ADJUSTMENT"),
        ),
        DocType(
            "other_in",
            "QTRK",
            _("Other receipt"),
            _("Other receipts"),
            **_STOCK,
            priced_at_cost=True,
            posts=True,
            makes_vouchers=True,
            recipe=_recipe("stock_in", "OTHER_IN"),
        ),
        DocType(
            "other_out",
            "QTCK",
            _("Other issue"),
            _("Other issues"),
            **_STOCK,
            priced=False,
            posts=True,
            makes_vouchers=True,
            recipe=_recipe("stock_out", "OTHER_OUT"),
        ),
        DocType(
            "transfer",
            "DBD",
            _("Transfer"),
            _("Transfers"),
            **_STOCK,
            to_warehouse=True,
            priced=False,
            posts=True,
            recipe=_recipe("warehouse", "TRANSFER"),
        ),
        DocType(
            "transfer_receipt",
            "DBSH",
            _("Transfer receipt"),
            _("Transfer receipts"),
            **_STOCK,
            priced=False,
            source_types=("transfer",),
            transit_receipt=True,
            recipe=_recipe("warehouse", "TRANSFER_RECEIPT"),
        ),
        DocType(
            "cost_adjustment",
            "CBTZ",
            _("Cost adjustment document"),
            _("Cost adjustment documents"),
            **_STOCK,
            priced=False,
            priced_at_cost=True,
            revalues=True,
            posts=True,
            makes_vouchers=True,
            recipe=_recipe("revalue", "COST_ADJUSTMENT"),
        ),
        DocType(
            "stock_count",
            "PDD",
            _("Stock count"),
            _("Stock counts"),
            **_STOCK,
            priced=False,
            counted=True,
            posts=True,
            makes_vouchers=True,
            recipe=_recipe("warehouse", "STOCK_COUNT"),
        ),
        DocType(
            "assembly",
            "ZZD",
            _("Assembly"),
            _("Assemblies"),
            **_STOCK,
            priced=False,
            posts=True,
            makes_vouchers=True,
            assembled="outputs",
            recipe=_recipe("assembly", "ASSEMBLY"),
        ),
        DocType(
            "disassembly",
            "CXD",
            _("Disassembly"),
            _("Disassemblies"),
            **_STOCK,
            priced=False,
            posts=True,
            makes_vouchers=True,
            assembled="inputs",
            recipe=_recipe("assembly", "DISASSEMBLY"),
        ),
        DocType(
            "receipt",
            "SKD",
            _("Customer receipt"),
            _("Customer receipts"),
            **_MONEY,
            partner=_S,
            refunded_by="refund",
            recipe=_recipe("money", "RECEIPT"),
        ),
        DocType(
            "payment",
            "FKD",
            _("Supplier payment"),
            _("Supplier payments"),
            **_MONEY,
            partner=_P,
            threshold=True,
            refunded_by="supplier_refund",
            recipe=_recipe("money", "PAYMENT"),
        ),
        DocType(
            "refund",
            "TKD",
            _("Customer refund"),
            _("Customer refunds"),
            **_MONEY,
            partner=_S,
            threshold=True,
            recipe=_recipe("money", "REFUND"),
        ),
        DocType(
            "supplier_refund",
            "STKD",
            _("Supplier refund"),
            _("Supplier refunds"),
            **_MONEY,
            partner=_P,
            recipe=_recipe("money", "SUPPLIER_REFUND"),
        ),
        DocType(
            "expense",
            "FYD",
            _("Expense"),
            _("Expenses"),
            **_EXPENSES,
            partner=_P,
            threshold=True,
            recipe=_recipe("expenses", "EXPENSE"),
        ),
        DocType(
            "other_income",
            "QTSR",
            _("Other income"),
            _("Other income documents"),
            **_EXPENSES,
            partner=_S,
            recipe=_recipe("expenses", "OTHER_INCOME"),
        ),
        DocType(
            "fund_transfer",
            "ZJZZ",
            _("Fund transfer"),
            _("Fund transfers"),
            **{**_MONEY, "partner_required": False, "kind": "ledger"},
            transfer=True,
            recipe=_recipe("funds", "FUND_TRANSFER"),
        ),
        DocType(
            "manual_voucher",
            "JZPZ",
            _("Manual voucher"),
            _("Manual vouchers"),
            **{**_MONEY, "partner_required": False, "kind": "ledger"},
            priced=False,
            threshold=True,
            manual_lines=True,
            recipe=_recipe("ledger", "MANUAL_VOUCHER"),
        ),
        DocType(
            "opening_stock",
            "QCKC",
            _("Opening stock document"),
            _("Opening stock"),
            **{**_OPENING, "areas": (STOCK, MONEY), "warehouse": True, "kind": "stock"},
            priced_at_cost=True,
            opening="stock",
            recipe=_recipe("opening", "OPENING_STOCK"),
        ),
        DocType(
            "opening_receivable",
            "QCYS",
            _("Opening receivable"),
            _("Opening receivables"),
            **_OPENING,
            read_areas=(SALES,),
            partner=_S,
            partner_required=True,
            opening="receivable",
            recipe=_recipe("opening", "OPENING_RECEIVABLE"),
        ),
        DocType(
            "opening_payable",
            "QCYF",
            _("Opening payable"),
            _("Opening payables"),
            **_OPENING,
            read_areas=(PURCHASE,),
            partner=_P,
            partner_required=True,
            opening="payable",
            recipe=_recipe("opening", "OPENING_PAYABLE"),
        ),
        DocType(
            "opening_accounts",
            "QCKM",
            _("Opening account balances document"),
            _("Opening account balances"),
            **_OPENING,
            opening="accounts",
            recipe=_recipe("opening", "OPENING_ACCOUNTS"),
        ),
    ]
}

# masking and the settings live below the documents app: they are told which types are priced
# at cost and which take an approval threshold
PRICED_AT_COST.update(code for code, t in TYPES.items() if t.priced_at_cost)
THRESHOLD_TYPES.extend(code for code, t in TYPES.items() if t.threshold)


def type_label(code: str) -> str:
    """The type's name in the active language; an unknown code is shown as it is."""
    t = TYPES.get(code)
    return str(t.label) if t else code


def codes(**where) -> tuple:
    """The codes of the types whose fields equal `where` (e.g. codes(kind="invoice")), in
    declaration order."""
    return tuple(c for c, t in TYPES.items() if all(getattr(t, k) == v for k, v in where.items()))


def the_type(**where) -> str:
    """The one type whose fields equal `where`: code that needs a particular type (the demo data)
    names it by what it is, and fails loudly when a new registration makes that ambiguous."""
    found = codes(**where)
    if len(found) != 1:
        raise LookupError(f"{len(found)} document types match {where}: {found}")
    return found[0]


def order_of(code: str) -> str | None:
    """The order type a delivery / receipt of this type fulfils (its source of kind order)."""
    t = TYPES.get(code)
    return next((s for s in t.source_types if TYPES[s].kind == "order"), None) if t else None


def trade_types(side: str) -> tuple:
    """The stock types a trade report on `side` counts: (outgoing or incoming, its return)."""
    return codes(side=side, kind="stock")


def order_type(side: str) -> str | None:
    return next(iter(codes(side=side, kind="order")), None)


def invoiced_types() -> tuple:
    """The types invoices are derived from (deliveries, receipts)."""
    return tuple(dict.fromkeys(s for c in codes(kind="invoice") for s in TYPES[c].source_types))


def returns_of(sources: tuple) -> tuple:
    """The stock types that return what a document of one of `sources` moved."""
    return tuple(
        c for c, t in TYPES.items() if t.kind == "stock" and set(t.source_types) & set(sources)
    )


def opening_type(of: str) -> str:
    """The type of the opening balances (期初) of stock, receivable, payable or accounts."""
    return codes(opening=of)[0]


STATUS_LABELS = {
    "draft": "草稿",
    "approved": "已审核",
    "cancelled": "已作废",
    "reversed": "已红冲",
    "pending_approval": "待复核",
    "partial": "部分执行",
    "completed": "已完成",
    "closed": "已关闭",
}
register_labels("status", STATUS_LABELS)
