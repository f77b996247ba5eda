"""Document types as data: number prefix, partner kind, warehouses, and which statuses exist."""

from dataclasses import dataclass

from openjxc.core.error_codes import register_labels


@dataclass(frozen=True)
class DocType:
    code: str
    prefix: str
    label: str  # Chinese name shown in the UI
    partner: str | None = None  # "customer" | "supplier" | None
    partner_required: bool = False
    warehouse: bool = True
    to_warehouse: bool = False
    priced: bool = True  # lines carry prices and tax
    price_field: str = "purchase_price"  # item default price
    source_types: tuple = ()  # types a document of this type may derive from (linked lines)
    posts: bool = False  # available for approval in this build
    kind: str = "stock"  # stock | order | money | invoice


TYPES = {
    t.code: t
    for t in [
        DocType("purchase_order", "CGDD", "采购订单", "supplier", True, posts=True, kind="order"),
        DocType("purchase_receipt", "CGRK", "采购入库单", "supplier", True, source_types=("purchase_order",),
                posts=True),
        DocType(
            "purchase_return", "CGTH", "采购退货单", "supplier", True,
            source_types=("purchase_receipt",), posts=True,
        ),
        DocType("purchase_invoice", "CGFP", "采购发票", "supplier", True, warehouse=False,
                source_types=("purchase_receipt",), posts=True, kind="invoice"),
        DocType("sales_order", "XSDD", "销售订单", "customer", True, price_field="sale_price", posts=True,
                kind="order"),
        DocType("sales_delivery", "XSCK", "销售出库单", "customer", True, price_field="sale_price",
                source_types=("sales_order",), posts=True),
        DocType(
            "sales_return", "XSTH", "销售退货单", "customer", True, price_field="sale_price",
            source_types=("sales_delivery",), posts=True,
        ),
        DocType("sales_invoice", "XSFP", "销售发票", "customer", True, warehouse=False, price_field="sale_price",
                source_types=("sales_delivery",), posts=True, kind="invoice"),
        DocType("other_in", "QTRK", "其他入库单", posts=True),
        DocType("other_out", "QTCK", "其他出库单", priced=False, posts=True),
        DocType("transfer", "DBD", "调拨单", to_warehouse=True, priced=False, posts=True),
        DocType("stock_count", "PDD", "盘点单", priced=False, posts=True),
        DocType("assembly", "ZZD", "组装单", priced=False),
        DocType("disassembly", "CXD", "拆卸单", priced=False),
        DocType("receipt", "SKD", "收款单", "customer", True, warehouse=False, posts=True, kind="money"),
        DocType("payment", "FKD", "付款单", "supplier", True, warehouse=False, posts=True, kind="money"),
        DocType("refund", "TKD", "退款单", "customer", True, warehouse=False, posts=True, kind="money"),
        DocType("supplier_refund", "STKD", "供应商退款单", "supplier", True, warehouse=False, posts=True,
                kind="money"),
    ]
}

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

MONEY_ACCOUNTS = ("1001", "1002", "1012")  # 结算账户 and their sub-accounts
