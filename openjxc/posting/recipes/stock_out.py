"""Recipes of the documents that take goods out: sales deliveries and other issues (at the
moving average) and purchase returns (at the cost they came in with, capped)."""

from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec
from openjxc.ledger import chart as A
from openjxc.ledger.rows import VoucherLine

from .base import Recipe, pair, raised


def _average_out(doc, ln, src, balances):
    return [MoveSpec(ln.id, ln.item_id, doc.warehouse_id, -ln.base_qty, M.AVERAGE_OUT)]


def _returned_out(doc, ln, src, balances):
    rule = M.CAPPED_OUT if src else M.AVERAGE_OUT
    return [MoveSpec(ln.id, ln.item_id, doc.warehouse_id, -ln.base_qty, rule, source_move_id=src)]


def _delivery_voucher(doc, values):
    n, t, g, p = doc.amount, doc.tax, doc.amount_incl_tax, doc.partner_id
    return [
        VoucherLine(A.RECEIVABLE, debit=g, partner_id=p),
        VoucherLine(A.REVENUE, credit=n),
        VoucherLine(A.OUTPUT_VAT, credit=t),
        *pair(A.COGS, A.INVENTORY, -sum(values)),
    ]


def _return_voucher(doc, values):
    n, t, g, total = doc.amount, doc.tax, doc.amount_incl_tax, sum(values)
    return [
        VoucherLine(A.INVENTORY, debit=total),
        VoucherLine(A.INPUT_VAT, debit=-t),
        VoucherLine(A.COGS, debit=-n - total),
        VoucherLine(A.PAYABLE, credit=-g, partner_id=doc.partner_id),
    ]


SALES_DELIVERY = Recipe(
    moves=_average_out,
    voucher=_delivery_voucher,
    open_item=lambda doc: raised(doc, "receivable", doc.amount_incl_tax),
    counter=A.COGS,
)
OTHER_OUT = Recipe(
    moves=_average_out,
    voucher=lambda doc, values: pair(A.PENDING_PL, A.INVENTORY, -sum(values)),
    counter=A.PENDING_PL,
)
PURCHASE_RETURN = Recipe(
    moves=_returned_out,
    voucher=_return_voucher,
    open_item=lambda doc: raised(doc, "payable", -doc.amount_incl_tax),
    counter=A.COGS,
)
