"""Recipes of the documents that bring goods in: purchase receipts, other receipts (at the
value given) and sales returns (at the cost they left with)."""

from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec
from openjxc.ledger import chart as A
from openjxc.ledger.rows import VoucherLine

from .base import Recipe, pair, raised


def _fixed_in(doc, ln, src, balances):
    return [MoveSpec(ln.id, ln.item_id, doc.warehouse_id, ln.base_qty, M.FIXED_IN, fixed=ln.amount)]


def _returned_in(doc, ln, src, balances):
    rule = M.LINKED_IN if src else M.AVERAGE_IN
    return [
        MoveSpec(
            ln.id,
            ln.item_id,
            doc.warehouse_id,
            ln.base_qty,
            rule,
            source_move_id=src,
            fallback=ln.item.purchase_price,
        )
    ]


def _receipt_voucher(doc, values):
    t, g = doc.tax, doc.amount_incl_tax
    return [
        VoucherLine(A.INVENTORY, debit=sum(values)),
        VoucherLine(A.INPUT_VAT, debit=t),
        VoucherLine(A.PAYABLE, credit=g, partner_id=doc.partner_id),
    ]


def _return_voucher(doc, values):
    n, t, g, total = doc.amount, doc.tax, doc.amount_incl_tax, sum(values)
    return [
        VoucherLine(A.RECEIVABLE, debit=-g, partner_id=doc.partner_id),
        VoucherLine(A.REVENUE, credit=-n),
        VoucherLine(A.OUTPUT_VAT, credit=-t),
        VoucherLine(A.COGS, debit=-total),
        VoucherLine(A.INVENTORY, credit=-total),
    ]


PURCHASE_RECEIPT = Recipe(
    moves=_fixed_in,
    voucher=_receipt_voucher,
    open_item=lambda doc: raised(doc, "payable", doc.amount_incl_tax),
    # never adjusted (a fixed value); its reversal takes the goods out at a cost capped at the
    # average, whose later re-statements belong to cost of goods sold, not to the payable
    counter=A.PAYABLE,
    reversal_counter=A.COGS,
)
OTHER_IN = Recipe(
    moves=_fixed_in,
    voucher=lambda doc, values: pair(A.INVENTORY, A.PENDING_PL, sum(values)),
    counter=A.PENDING_PL,
)
SALES_RETURN = Recipe(
    moves=_returned_in,
    voucher=_return_voucher,
    open_item=lambda doc: raised(doc, "receivable", -doc.amount_incl_tax),
    counter=A.COGS,
)
